using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;
using Xunit.Abstractions;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>
/// A node whose storage goes away answers 503 quickly instead of hanging, and is back by itself when storage returns,
/// with everything it accepted before. Uses its own Azurite, on disk, so that restarting it keeps the data.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageOutageTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    // Connection refused is retried twice (0.25 s, then 0.5 s apart) before the API gives up: about a second.
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task StorageOutage_AnswersUnavailableQuicklyAndRecoversWithoutLosingAcceptedTasks()
    {
        var azuriteDirectory = AzuriteProcess.FindAzuriteDirectory(AppContext.BaseDirectory)!;
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"azurite-outage-{Guid.NewGuid():N}");
        var blobPort = FreePorts.Consecutive(3);
        AzuriteProcess? azurite = await AzuriteProcess.StartAsync(azuriteDirectory, blobPort, dataDirectory, _ => { });
        ServerProcess? server = null;
        try
        {
            var settings = fixture.SettingsFor($"outage-{Guid.NewGuid():N}");
            settings["ConnectionStrings:AzureStorage"] = azurite.ConnectionString;
            server = await ServerProcess.StartAsync(settings);
            using var client = server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

            // Accepted before the outage: tasks due after it, and a few due while storage is gone.
            var start = DateTimeOffset.UtcNow;
            var afterOutage = await CreateTasksAsync(client, start.AddSeconds(20), 10);
            var duringOutage = await CreateTasksAsync(client, start.AddSeconds(4), 3);

            await StopGracefullyAsync(azurite);
            azurite = null;
            var outageStarted = DateTimeOffset.UtcNow;
            var slowest = TimeSpan.Zero;
            foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
            {
                (HttpMethod.Post, "/tasks", new { taskURL = fixture.Target.UrlFor(), delayInMS = 1000 }),
                (HttpMethod.Get, "/tasks", null),
                (HttpMethod.Get, $"/tasks/{Guid.CreateVersion7()}", null),
                (HttpMethod.Put, $"/tasks/{afterOutage[0].Id}/cancel", null), // refused, so that task still runs (checked below)
                (HttpMethod.Post, "/orchestrations", new { tasks = new[] { new { taskURL = fixture.Target.UrlFor() } } }),
                (HttpMethod.Get, "/orchestrations", null),
            })
            {
                var clock = Stopwatch.StartNew();
                using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
                using var response = await client.SendAsync(request);
                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
                var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.True(clock.Elapsed < AnswerWithin, $"{method} {path} took {clock.Elapsed.TotalSeconds:0.0} s to answer 503: {TaskApi.Describe(problem)}");
            }

            output.WriteLine($"Storage down: the slowest 503 took {slowest.TotalSeconds:0.00} s");

            azurite = await AzuriteProcess.StartAsync(azuriteDirectory, blobPort, dataDirectory, _ => { });
            var storageBack = DateTimeOffset.UtcNow;
            var accepted = await Poll.UntilAsync(
                () => TryCreateTaskAsync(client, DateTimeOffset.UtcNow.AddSeconds(1)), id => id is not null,
                TimeSpan.FromSeconds(60), "the node to accept tasks again once storage is back");
            output.WriteLine($"Storage down for {(storageBack - outageStarted).TotalSeconds:0.0} s; the node accepted tasks again {(DateTimeOffset.UtcNow - storageBack).TotalSeconds:0.00} s after it was back");

            foreach (var (id, url, dueAt) in afterOutage)
            {
                var call = Assert.Single(await fixture.Target.WaitForCallsAsync(url, timeout: TimeSpan.FromSeconds(40)));
                Assert.True(call.ArrivedAt >= dueAt, $"Task {id} fired early");
                await Poll.UntilAsync(async () => await TaskApi.StatusAsync(client, id) == "Completed", TimeSpan.FromSeconds(10), $"task {id} to be Completed");
            }

            // Due while storage was gone: the call still went out on time (the timer lives in memory) and the outcome is
            // stored once storage is back. A write that failed may have landed after all, so a retry is possible.
            foreach (var (id, url, _) in duringOutage)
            {
                await fixture.Target.WaitForCallsAsync(url, timeout: TimeSpan.FromSeconds(10));
                var done = await Poll.UntilAsync(() => TaskApi.GetAsync(client, id), t => (string)t["status"]! == "Completed", TimeSpan.FromSeconds(30), $"task {id} to be Completed");
                Assert.InRange(fixture.Target.CallsTo(url).Count, 1, TaskApi.AttemptCount(done));
            }

            Assert.True(await TaskApi.StatusAsync(client, accepted!) is "Scheduled" or "Running" or "Completed");
            await server.StopAsync();
        }
        catch when (server is not null)
        {
            output.WriteLine(server.Tail(100));
            throw;
        }
        finally
        {
            // The silo first: one whose storage vanished hangs in shutdown.
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }

            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private async Task<List<(string Id, string Url, DateTimeOffset DueAt)>> CreateTasksAsync(HttpClient client, DateTimeOffset dueAt, int count)
    {
        var tasks = new List<(string, string, DateTimeOffset)>();
        for (var i = 0; i < count; i++)
        {
            var url = fixture.Target.UrlFor();
            var created = await TaskApi.CreateAsync(client, new { taskURL = url, runAt = dueAt });
            tasks.Add(((string)created["id"]!, url, TaskApi.Instant(created["dueAt"])));
        }

        return tasks;
    }

    private async Task<string?> TryCreateTaskAsync(HttpClient client, DateTimeOffset dueAt)
    {
        using var response = await client.PostAsJsonAsync("/tasks", new { taskURL = fixture.Target.UrlFor(), runAt = dueAt });
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            await TaskApi.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            return null;
        }

        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /tasks answered {(int)response.StatusCode}: {created}");
        return (string)created!["id"]!;
    }

    // SIGTERM, as an orderly shutdown: Azurite writes its data files, so the restarted instance has everything.
    private static async Task StopGracefullyAsync(AzuriteProcess azurite)
    {
        using var process = Process.GetProcessById(azurite.ProcessId);
        using (var kill = Process.Start("kill", ["-TERM", azurite.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(wait.Token);
        await azurite.DisposeAsync();
    }
}
