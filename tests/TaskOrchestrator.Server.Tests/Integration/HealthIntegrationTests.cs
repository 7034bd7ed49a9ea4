using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>Readiness against real Azure Table storage (Azurite): ready while it answers, 503 once it is gone.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HealthIntegrationTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task Ready_WithAzurite_Returns200AndNamesTheTable()
    {
        var server = await fixture.StartServerAsync(fixture.SettingsFor($"health-{Guid.NewGuid():N}"));
        using var client = server.CreateClient(token: null);
        var body = await ReadyAsync(client, HttpStatusCode.OK);
        Assert.Equal("Healthy", (string)body["checks"]!["storage"]!["status"]!);
        Assert.Contains("Tasks", (string)body["checks"]!["storage"]!["description"]!, StringComparison.Ordinal);
        await server.StopAsync();
    }

    [Fact]
    public async Task Ready_StorageGone_Returns503UnhealthyStorageWhileLiveStays200()
    {
        // An Azurite of its own, so stopping it does not disturb the other tests.
        var directory = AzuriteProcess.FindAzuriteDirectory(AppContext.BaseDirectory)!;
        var azurite = await AzuriteProcess.StartAsync(directory, FreePorts.Consecutive(3), dataDirectory: null, _ => { });
        var settings = fixture.SettingsFor($"health-down-{Guid.NewGuid():N}");
        settings["ConnectionStrings:AzureStorage"] = azurite.ConnectionString;
        ServerProcess? server = null;
        var azuriteStopped = false;
        try
        {
            server = await ServerProcess.StartAsync(settings);
            using var client = server.CreateClient(token: null);
            await ReadyAsync(client, HttpStatusCode.OK);

            await azurite.DisposeAsync();
            azuriteStopped = true;
            var body = await Poll.UntilAsync(
                () => ReadyAsync(client, expected: null), b => (string)b["status"]! == "Unhealthy", TimeSpan.FromSeconds(30), "readiness to turn Unhealthy");
            Assert.Equal("Unhealthy", (string)body["checks"]!["storage"]!["status"]!);
            using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            // Kill rather than stop: a silo whose storage vanished hangs in graceful shutdown.
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (!azuriteStopped)
            {
                await azurite.DisposeAsync();
            }
        }
    }

    /// <summary>GET /health/ready; asserts the status code matches the body (200 Healthy, 503 otherwise) and, if given, <paramref name="expected"/>.</summary>
    private static async Task<JsonObject> ReadyAsync(HttpClient client, HttpStatusCode? expected)
    {
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var healthy = (string)body["status"]! == "Healthy";
        Assert.True(
            response.StatusCode == (healthy ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable) && (expected is null || response.StatusCode == expected),
            $"/health/ready answered {(int)response.StatusCode}: {body.ToJsonString()}");
        return body;
    }
}
