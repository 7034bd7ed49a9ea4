using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Telemetry;

[Collection(ObservabilityServerCollection.Name)]
public sealed class LoggingTests(ObservabilityServerFixture fixture)
{
    [Fact]
    public async Task Logs_TaskWithSecrets_ShowEachTransitionInItsScopeAndNoSecret()
    {
        var marker = Guid.NewGuid().ToString("N");
        var targetToken = $"target-token-{marker}";
        var querySecret = $"query-secret-{marker}";
        var bodySecret = $"body-secret-{marker}";
        var callerToken = TestTokens.Create($"user-{marker}");
        using var client = fixture.Server.CreateClient(callerToken);
        var url = $"{fixture.Target.UrlFor()}?sig={querySecret}";

        var task = await TaskApi.CreateAsync(client, new
        {
            taskURL = url,
            delayInMS = 200,
            headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {targetToken}", ["X-Api-Key"] = targetToken },
            body = bodySecret,
        });
        var id = (string)task["id"]!;
        var call = Assert.Single(await fixture.Target.WaitForCallsAsync(url));
        Assert.Equal($"Bearer {targetToken}", call.Headers["Authorization"]);
        await Poll.UntilAsync(async () => await TaskApi.StatusAsync(client, id) == "Completed", TimeSpan.FromSeconds(20), "the task to complete");
        using (var listing = await client.GetAsync(new Uri("/tasks?status=completed", UriKind.Relative)))
        {
            listing.EnsureSuccessStatusCode();
        }

        // Output arrives asynchronously: wait for the last line this test causes (the listing's Debug request line).
        await Poll.UntilAsync(
            () => fixture.Server.Output.Any(l => l.Contains("GET /tasks answered 200", StringComparison.Ordinal)) && Lines($"TaskId:{id}").Length >= 4,
            TimeSpan.FromSeconds(10), "the task's log lines and the listing's request line");
        var output = string.Join('\n', fixture.Server.Output);

        // One Information line per transition, each in the task's scope; the target at Debug, without its query.
        Assert.Contains(Lines($"TaskId:{id}"), l => l.Contains("Task scheduled for", StringComparison.Ordinal));
        Assert.Contains(Lines($"TaskId:{id}"), l => l.Contains("Task running: attempt 1", StringComparison.Ordinal));
        Assert.Contains(Lines($"TaskId:{id}"), l => l.Contains("Task Completed", StringComparison.Ordinal));
        Assert.Contains(Lines($"TaskId:{id}"), l => l.Contains($"Task target POST {url.Split('?')[0]}", StringComparison.Ordinal));
        Assert.Contains($"POST /tasks answered 201", output, StringComparison.Ordinal);

        foreach (var secret in new[] { targetToken, querySecret, bodySecret, callerToken, TestTokens.ServerSettings["Authentication:Schemes:Bearer:SigningKeys:0:Value"] })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }

        // With scopes on, a line's scope is printed on the line before its message: pair them up.
        string[] Lines(string scope)
        {
            var lines = fixture.Server.Output.ToArray();
            return [.. lines.Select((line, i) => line.Contains(scope, StringComparison.Ordinal) && i + 1 < lines.Length ? $"{line} {lines[i + 1]}" : null).OfType<string>()];
        }
    }
}
