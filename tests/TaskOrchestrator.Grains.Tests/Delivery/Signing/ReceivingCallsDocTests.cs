using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Delivery.Signing;

/// <summary>
/// The verification snippets of docs/receiving-calls.md, read from the file and run (Node and Python with
/// <c>node</c> and <c>python3</c>, C# as the same code compiled here) against a call the real invoker made to a real
/// target: each must accept it as received and reject every change to what the signature covers. The docs cannot drift.
/// </summary>
public sealed class ReceivingCallsDocTests : IAsyncLifetime
{
    private const string CurrentMasterKey = "current-key-0123456789abcdefghijklmnopqrstuvwxyz";
    private const string NextMasterKey = "next-key-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210";
    private const string Owner = "auth0|42 ü";

    private const string NodeDriver = """

        const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
        for (const c of cases) {
          const headers = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k.toLowerCase(), v]));
          console.log(verifyTaskOrchestratorCall(c.key, c.method, c.url, headers, Buffer.from(c.body, 'base64'), c.now) ? 'true' : 'false');
        }
        """;

    private const string PythonDriver = """


        import base64 as _b64, json as _json, sys as _sys
        for c in _json.load(_sys.stdin):
            print("true" if verify_taskorchestrator_call(c["key"], c["method"], c["url"], c["headers"], _b64.b64decode(c["body"]), c["now"]) else "false")
        """;

    private static readonly string RepositoryRoot = FindRepositoryRoot();

    private readonly TestInvokers _invokers = new();
    private RecordingTarget _target = null!;

    public async Task InitializeAsync() => _target = await RecordingTarget.StartAsync();

    public async Task DisposeAsync()
    {
        await _invokers.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task NodeSnippet_RecordedCall_AcceptsItAsReceivedAndRejectsEveryChange()
    {
        var cases = await CasesAsync();

        var verdicts = await RunAsync("node", "verify.cjs", Snippet("node") + NodeDriver, cases);

        AssertVerdicts(cases, verdicts);
    }

    [Fact]
    public async Task PythonSnippet_RecordedCall_AcceptsItAsReceivedAndRejectsEveryChange()
    {
        var cases = await CasesAsync();

        var verdicts = await RunAsync("python3", "verify.py", Snippet("python") + PythonDriver, cases);

        AssertVerdicts(cases, verdicts);
    }

    [Fact]
    public async Task CSharpSnippet_RecordedCall_AcceptsItAsReceivedAndRejectsEveryChange()
    {
        var cases = await CasesAsync();

        var verdicts = cases.Select(c => TaskOrchestratorSignature.Verify(
            c.Key, c.Method, c.Url, name => c.Headers.GetValueOrDefault(name), Convert.FromBase64String(c.Body), DateTimeOffset.FromUnixTimeSeconds(c.Now))).ToArray();

        AssertVerdicts(cases, verdicts);
    }

    [Fact]
    public void CSharpSnippet_IsTheVerifierTheTestsRun()
    {
        // The tests' copy, less its first line (a comment saying this) and its namespace.
        var source = File.ReadAllText(Path.Combine(RepositoryRoot, "tests", "TaskOrchestrator.Grains.Tests", "Delivery", "Signing", "TaskOrchestratorSignature.cs"));
        var lines = source.ReplaceLineEndings("\n").Split('\n').Skip(1).ToList();
        var ns = lines.FindIndex(l => l.StartsWith("namespace ", StringComparison.Ordinal));
        lines.RemoveRange(ns, 2);

        Assert.Equal(string.Join('\n', lines).Trim(), Snippet("csharp").Trim());
    }

    /// <summary>The recorded call as received, then one change at a time to what the signature covers, each with the verdict the docs promise.</summary>
    private async Task<IReadOnlyList<Case>> CasesAsync()
    {
        var signing = new SigningOptions { Keys = { CurrentMasterKey, NextMasterKey } };
        var url = _target.UrlFor("ok") + "/orders/%7e42?note=caf%C3%A9 au lait&x=1";
        var task = new TaskDefinition(Owner, url, "PUT", new Dictionary<string, string> { ["X-Custom"] = "yes" }, """{"order":42,"note":"grüße €"}""",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, OrchestrationId: Guid.NewGuid());

        var response = await _invokers.Create(signing: signing).InvokeAsync(Guid.NewGuid(), 2, task, CancellationToken.None);
        Assert.True(response.StatusCode == 200, $"Expected 200 from the target, got {response.StatusCode}: {response.Error}");
        var id = new Uri(url).Segments[2].TrimEnd('/');
        var call = Assert.Single(_target.Calls, c => c.Path.StartsWith($"/ok/{id}", StringComparison.Ordinal));

        var keys = new OwnerSigningKeys(Options.Create(signing)).For(Owner).Select(Convert.ToBase64String).ToArray();
        var otherOwnersKey = Convert.ToBase64String(new OwnerSigningKeys(Options.Create(signing)).For("auth0|43")[0]);
        var received = new Case("as received", true, keys[0], call.Method, _target.BaseAddress.GetLeftPart(UriPartial.Authority) + call.RawTarget,
            new Dictionary<string, string>(call.Headers, StringComparer.OrdinalIgnoreCase), Convert.ToBase64String(Encoding.UTF8.GetBytes(call.Body)), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var timestamp = long.Parse(call.Headers[DeliverySignature.TimestampHeader], CultureInfo.InvariantCulture);
        return
        [
            received,
            received with { Name = "with the next key", Key = keys[1] },
            received with { Name = "4 minutes later", Now = received.Now + 240 },
            received with { Name = "another owner's key", Expected = false, Key = otherOwnersKey },
            received with { Name = "6 minutes later", Expected = false, Now = received.Now + 360 },
            received with { Name = "another method", Expected = false, Method = "POST" },
            received with { Name = "another path", Expected = false, Url = received.Url.Replace("/orders/", "/refunds/", StringComparison.Ordinal) },
            received with { Name = "another query", Expected = false, Url = received.Url.Replace("x=1", "x=2", StringComparison.Ordinal) },
            received with { Name = "another host", Expected = false, Url = received.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) },
            received with { Name = "another body", Expected = false, Body = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"order":43,"note":"grüße €"}""")) },
            received with { Name = "no body", Expected = false, Body = "" },
            received with { Name = "another owner", Expected = false, Headers = With(received.Headers, DeliverySignature.OwnerHeader, "auth0%7C43") },
            received with { Name = "another task", Expected = false, Headers = With(received.Headers, DeliveryHeaders.TaskId, Guid.NewGuid().ToString("D")) },
            received with { Name = "another attempt", Expected = false, Headers = With(received.Headers, DeliveryHeaders.Attempt, "3") },
            received with
            {
                Name = "another timestamp", Expected = false,
                Headers = With(received.Headers, DeliverySignature.TimestampHeader, (timestamp - 1).ToString(CultureInfo.InvariantCulture)),
            },
            received with { Name = "no signature", Expected = false, Headers = Without(received.Headers, DeliverySignature.SignatureHeader) },
            received with { Name = "no owner", Expected = false, Headers = Without(received.Headers, DeliverySignature.OwnerHeader) },
        ];
    }

    private static void AssertVerdicts(IReadOnlyList<Case> cases, IReadOnlyList<bool> verdicts)
    {
        Assert.Equal(cases.Count, verdicts.Count);
        var wrong = cases.Zip(verdicts).Where(p => p.First.Expected != p.Second).Select(p => $"{p.First.Name}: {(p.Second ? "accepted" : "rejected")}").ToArray();
        Assert.True(wrong.Length == 0, $"The snippet judged wrongly: {string.Join("; ", wrong)}. The call as received: {cases[0]}");
    }

    private static async Task<IReadOnlyList<bool>> RunAsync(string program, string fileName, string code, IReadOnlyList<Case> cases)
    {
        var directory = Directory.CreateTempSubdirectory("receiving-calls-");
        try
        {
            var file = Path.Combine(directory.FullName, fileName);
            await File.WriteAllTextAsync(file, code);
            var start = new ProcessStartInfo(program, [file])
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory.FullName,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(JsonSerializer.Serialize(cases.Select(c => new { key = c.Key, method = c.Method, url = c.Url, headers = c.Headers, body = c.Body, now = c.Now })));
            process.StandardInput.Close();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(deadline.Token);
            Assert.True(process.ExitCode == 0, $"{program} {fileName} exited with {process.ExitCode}: {await errors}\n{code}");
            return [.. (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => line == "true")];
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The code block that follows <c>&lt;!-- verify-snippet: {name} --&gt;</c> in docs/receiving-calls.md.</summary>
    private static string Snippet(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot, "docs", "receiving-calls.md"));
        var marker = Array.FindIndex(lines, l => l.Trim() == $"<!-- verify-snippet: {name} -->");
        Assert.True(marker >= 0 && lines[marker + 1].StartsWith("```", StringComparison.Ordinal), $"docs/receiving-calls.md has no '{name}' snippet marker followed by a code block.");
        var end = Array.FindIndex(lines, marker + 2, l => l.StartsWith("```", StringComparison.Ordinal));
        return string.Join('\n', lines[(marker + 2)..end]) + "\n";
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TaskOrchestrator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No TaskOrchestrator.sln above {AppContext.BaseDirectory}.");
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> headers, string name, string value) =>
        new(headers, StringComparer.OrdinalIgnoreCase) { [name] = value };

    private static Dictionary<string, string> Without(IReadOnlyDictionary<string, string> headers, string name)
    {
        var copy = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        copy.Remove(name);
        return copy;
    }

    /// <summary>One call to judge: what the target would pass the snippet, and what the snippet must answer.</summary>
    private sealed record Case(string Name, bool Expected, string Key, string Method, string Url, IReadOnlyDictionary<string, string> Headers, string Body, long Now)
    {
        public override string ToString() =>
            $"{Method} {Url}, headers {string.Join(", ", Headers.Select(h => $"{h.Key}: {h.Value}"))}, body {Encoding.UTF8.GetString(Convert.FromBase64String(Body))}";
    }
}
