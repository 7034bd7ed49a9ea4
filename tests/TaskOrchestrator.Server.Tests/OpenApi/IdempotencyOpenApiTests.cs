using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskOrchestrator.Server.Tests.OpenApi;

[Collection(MemoryServerCollection.Name)]
public sealed class IdempotencyOpenApiTests(MemoryServerFixture fixture)
{
    [Theory]
    [InlineData("/tasks", "#/components/schemas/TaskResource")]
    [InlineData("/orchestrations", "#/components/schemas/OrchestrationResource")]
    public async Task Document_CreateRoute_DescribesIdempotencyKeyAndItsAnswers(string path, string resource)
    {
        using var anonymous = fixture.Server.CreateClient(token: null);
        var document = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var operation = document["paths"]![path]!["post"]!;

        var header = Assert.Single(operation["parameters"]!.AsArray(), p => (string)p!["name"]! == "Idempotency-Key")!;
        Assert.Equal("header", (string)header["in"]!);
        Assert.Contains("24 hours", (string)header["description"]!, StringComparison.Ordinal);

        var replay = operation["responses"]!["200"]!;
        Assert.Equal(resource, (string)replay["content"]!["application/json"]!["schema"]!["$ref"]!);
        Assert.NotNull(replay["headers"]?["Idempotent-Replayed"]);
        Assert.NotNull(operation["responses"]!["201"]);
        Assert.NotNull(operation["responses"]!["422"]!["content"]!["application/problem+json"]);
    }
}
