using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Loop;

/// <summary>
/// One real server process on its own throwaway Azurite (so labels are listed from their index rows, as in production),
/// with a pending cap of <see cref="MaxPendingTasks"/> tasks per owner, and a target to call.
/// </summary>
public sealed class LoopServerFixture : IAsyncLifetime
{
    /// <summary>The most tasks one owner may have Scheduled or Running.</summary>
    public const int MaxPendingTasks = 12;

    public AzuriteProcess Azurite { get; private set; } = null!;

    public RecordingTarget Target { get; private set; } = null!;

    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var directory = AzuriteProcess.FindAzuriteDirectory(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("No azurite/ folder above the test output.");
        Azurite = await AzuriteProcess.StartAsync(directory, FreePorts.Consecutive(3), dataDirectory: null, _ => { });
        Target = await RecordingTarget.StartAsync();
        var cluster = $"loop-{Guid.NewGuid():N}";
        var siloPort = FreePorts.Consecutive(2);
        var settings = new Dictionary<string, string>(TestTokens.ServerSettings)
        {
            ["ConnectionStrings:AzureStorage"] = Azurite.ConnectionString,
            ["TaskOrchestrator:Cluster:ClusterId"] = cluster,
            ["TaskOrchestrator:Cluster:ServiceId"] = cluster,
            ["TaskOrchestrator:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["TaskOrchestrator:Cluster:GatewayPort"] = (siloPort + 1).ToString(CultureInfo.InvariantCulture),
            ["TaskOrchestrator:Limits:Pending:MaxTasks"] = MaxPendingTasks.ToString(CultureInfo.InvariantCulture),
        };
        Server = await ServerProcess.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        // The silo before Azurite: one whose storage vanished hangs in shutdown.
        await Server.StopAsync();
        await Server.DisposeAsync();
        await Target.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>A client for a fresh owner.</summary>
    public HttpClient NewOwner() => Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    /// <summary>A task that fails at once (its target answers 400, which is not retried).</summary>
    public object Failing(object? labels = null) => new { taskURL = Target.UrlFor("status/400"), delayInMS = 0, labels };

    /// <summary>A task due in an hour: Scheduled for the whole test.</summary>
    public object Later(object? labels = null) => new { taskURL = Target.UrlFor(), delayInMS = 3_600_000, labels };

    /// <summary>Creates a task and waits until it reaches <paramref name="status"/>.</summary>
    public static async Task<JsonObject> CreateAndWaitAsync(HttpClient client, object body, string status)
    {
        var id = (string)(await TaskApi.CreateAsync(client, body))["id"]!;
        return await WaitForAsync(client, id, status);
    }

    /// <summary>Waits until the task <paramref name="id"/> reaches <paramref name="status"/>.</summary>
    public static async Task<JsonObject> WaitForAsync(HttpClient client, string id, string status) => (await Poll.UntilAsync(
        () => TaskApi.GetAsync(client, id), t => (string)t!["status"]! == status, TimeSpan.FromSeconds(30), $"task {id} {status}"))!;

    /// <summary>The ids a listing answered with.</summary>
    public static async Task<List<string>> ListIdsAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return [.. JsonNode.Parse(text)!.AsArray().Select(t => (string)t!["id"]!)];
    }

    /// <summary>Posts a bulk action and returns its 200 body.</summary>
    public static async Task<JsonObject> BulkAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}

[CollectionDefinition(Name)]
public sealed class LoopServerCollection : ICollectionFixture<LoopServerFixture>
{
    public const string Name = "Loop server on Azurite";
}
