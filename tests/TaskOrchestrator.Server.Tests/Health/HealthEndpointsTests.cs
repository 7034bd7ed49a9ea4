using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskOrchestrator.Server.Tests.Health;

[Collection(MemoryServerCollection.Name)]
public sealed class HealthEndpointsTests(MemoryServerFixture fixture)
{
    private readonly HttpClient _anonymous = fixture.Server.CreateClient(token: null);

    [Fact]
    public async Task Live_WithoutToken_Returns200Healthy()
    {
        using var response = await _anonymous.GetAsync(new Uri("/health/live", UriKind.Relative));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (string)body!["status"]!);
    }

    [Fact]
    public async Task Ready_MemoryStorageAndActiveSilo_Returns200WithEachCheck()
    {
        using var response = await _anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("Healthy", (string)body["status"]!);
        Assert.Equal("Healthy", (string)body["checks"]!["storage"]!["status"]!);
        Assert.Equal("Healthy", (string)body["checks"]!["silo"]!["status"]!);
        Assert.Contains("Active", (string)body["checks"]!["silo"]!["description"]!, StringComparison.Ordinal);
    }
}
