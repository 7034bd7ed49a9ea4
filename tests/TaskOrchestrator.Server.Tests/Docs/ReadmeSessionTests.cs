using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Docs;

/// <summary>
/// The curl session of README.md, read from the file and run with bash, as written, against the real server process:
/// each request must answer the status the README says, and the tasks it leaves must be what it says. The session a
/// newcomer copies cannot drift from the API.
/// </summary>
[Collection(MemoryServerCollection.Name)]
public sealed class ReadmeSessionTests(MemoryServerFixture fixture)
{
    private const string Marker = "<!-- readme-session:";

    // Each curl of the session reports its status here (on stderr, so that output captured into variables is untouched).
    private const string StatusPrefix = "readme-status ";

    // The requests of the session, in order: create, status, get, move, cancel, create a call that runs, read it, list, bad input.
    private static readonly (string Method, string Path, int Status)[] ExpectedRequests =
    [
        ("POST", "/tasks", 201),
        ("GET", "/tasks/{id}/status", 200),
        ("GET", "/tasks/{id}", 200),
        ("PATCH", "/tasks/{id}", 200),
        ("PUT", "/tasks/{id}/cancel", 200),
        ("POST", "/tasks", 201),
        ("GET", "/tasks/{run}", 200),
        ("GET", "/tasks?status=cancelled&limit=10", 200),
        ("POST", "/tasks", 400),
    ];

    private static readonly string RepositoryRoot = FindRepositoryRoot();

    [Fact]
    public async Task ReadmeSession_RunWithBashAgainstTheServer_EveryRequestAnswersAsTheReadmeSays()
    {
        var subject = $"readme-{Guid.NewGuid():N}";
        var token = TestTokens.Create(subject);
        var baseUrl = fixture.Server.BaseAddress.GetLeftPart(UriPartial.Authority);

        var run = await RunSessionAsync(Session(), baseUrl, token);

        Assert.True(run.ExitCode == 0, $"The README session exited with {run.ExitCode}.\n{run}");
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(Guid.TryParse(lines.FirstOrDefault(), out var id), $"The session's first line should be the new task's id.\n{run}");

        using var client = fixture.Server.CreateClient(token);
        var tasks = JsonNode.Parse(await client.GetStringAsync(new Uri("/tasks", UriKind.Relative)))!.AsArray();
        Assert.True(tasks.Count == 2, $"The session should leave two tasks of its owner, found {tasks.Count}: {tasks.ToJsonString()}");
        var runId = Guid.Parse((string)tasks.Single(t => (string)t!["id"]! != id.ToString())!["id"]!);

        var expected = ExpectedRequests.Select(r => $"{r.Method} {Resolve(r.Path, id, runId)} {r.Status}").ToArray();
        Assert.True(expected.SequenceEqual(run.Requests), $"The session's requests did not answer as the README says.\nExpected:\n  {string.Join("\n  ", expected)}\n{run}");

        var cancelled = JsonNode.Parse(await client.GetStringAsync(new Uri($"/tasks/{id}", UriKind.Relative)))!;
        Assert.Equal("Cancelled", (string)cancelled["status"]!);
        Assert.Equal(cancelled["createdAt"]!.GetValue<DateTimeOffset>().AddMinutes(2), cancelled["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.Contains($"\"id\":\"{id}\"", run.Output, StringComparison.Ordinal);

        // The call that runs reaches Completed with its target's 200 (the README's "sleep 2" is a person's wait; this one has a deadline).
        var completed = await Poll.UntilAsync(
            async () => JsonNode.Parse(await client.GetStringAsync(new Uri($"/tasks/{runId}", UriKind.Relative)))!,
            task => (string)task["status"]! is "Completed" or "Failed" or "Cancelled",
            TimeSpan.FromSeconds(30),
            $"task {runId} (GET /health/live in one second) to finish");
        Assert.True((string)completed["status"]! == "Completed" && (int)completed["response"]!["statusCode"]! == (int)HttpStatusCode.OK, completed.ToJsonString());
    }

    [Fact]
    public void ReadmeSession_Text_NeedsNoJqAndReadsBaseAndTokenFromTheShell()
    {
        // jq may be missing on a newcomer's machine (and on CI): the session picks fields out with grep and cut.
        var session = Session();

        Assert.DoesNotContain("jq ", session, StringComparison.Ordinal);
        Assert.Contains("BASE=${BASE:-http://127.0.0.1:5080}", session, StringComparison.Ordinal);
        Assert.Contains("$TOKEN", session, StringComparison.Ordinal);
    }

    /// <summary>The bash block that follows the session marker in README.md.</summary>
    private static string Session()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot, "README.md"));
        var marker = Array.FindIndex(lines, l => l.TrimStart().StartsWith(Marker, StringComparison.Ordinal));
        Assert.True(marker >= 0 && marker + 1 < lines.Length && lines[marker + 1].Trim() == "```bash", $"README.md has no '{Marker}' marker followed by a ```bash block.");
        var end = Array.FindIndex(lines, marker + 2, l => l.StartsWith("```", StringComparison.Ordinal));
        Assert.True(end > marker, "The README session's code block does not end.");
        return string.Join('\n', lines[(marker + 2)..end]) + "\n";
    }

    private static string Resolve(string path, Guid id, Guid runId) =>
        path.Replace("{id}", id.ToString(), StringComparison.Ordinal).Replace("{run}", runId.ToString(), StringComparison.Ordinal);

    /// <summary>
    /// Runs <paramref name="session"/> with bash, stopping at the first failing command, with <c>BASE</c> and
    /// <c>TOKEN</c> set as a reader's shell would have them; a curl wrapper reports each request's method, path and status.
    /// </summary>
    private static async Task<SessionRun> RunSessionAsync(string session, string baseUrl, string token)
    {
        var prelude = $$"""
            set -euo pipefail
            curl() { command curl "$@" -w '%{stderr}{{StatusPrefix}}%{method} %{url_effective} %{http_code}\n'; }

            """;
        var directory = Directory.CreateTempSubdirectory("readme-session-");
        try
        {
            var script = Path.Combine(directory.FullName, "session.sh");
            await File.WriteAllTextAsync(script, prelude + session);
            var start = new ProcessStartInfo("bash", [script])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory.FullName,
            };
            start.Environment["BASE"] = baseUrl;
            start.Environment["TOKEN"] = token;
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash.");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The README session did not finish within 60 s. Its output:\n{await output}\n{await errors}");
            }

            var stderr = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var requests = stderr.Where(l => l.StartsWith(StatusPrefix, StringComparison.Ordinal))
                .Select(l => l[StatusPrefix.Length..].Replace(baseUrl, "", StringComparison.Ordinal))
                .ToArray();
            return new SessionRun(process.ExitCode, await output, requests, [.. stderr.Where(l => !l.StartsWith(StatusPrefix, StringComparison.Ordinal))]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
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

    /// <summary>What a run of the session did: its exit code, its output, each request as "METHOD path status", and anything else it printed on stderr.</summary>
    private sealed record SessionRun(int ExitCode, string Output, IReadOnlyList<string> Requests, IReadOnlyList<string> Errors)
    {
        public override string ToString() =>
            $"Requests:\n  {string.Join("\n  ", Requests)}\nOutput:\n{Output}\nStderr:\n{string.Join('\n', Errors)}";
    }
}
