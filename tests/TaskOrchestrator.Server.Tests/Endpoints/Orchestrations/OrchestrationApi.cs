using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;

/// <summary>Small helpers over the orchestration routes, reading JSON as a user of the API would.</summary>
internal static class OrchestrationApi
{
    public static async Task<JsonObject> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/orchestrations", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /orchestrations answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> GetAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/orchestrations/{id}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /orchestrations/{id} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Polls until the orchestration has status <paramref name="status"/>, and returns it.</summary>
    public static Task<JsonObject> WaitForStatusAsync(HttpClient client, string id, string status, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => GetAsync(client, id), o => (string)o["status"]! == status, timeout ?? TimeSpan.FromSeconds(15), $"orchestration {id} to be {status}");

    public static JsonObject Step(JsonObject orchestration, int index) => orchestration["steps"]![index]!.AsObject();
}
