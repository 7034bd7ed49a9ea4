using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TaskOrchestrator.Server.Tests.Endpoints.Tasks;

/// <summary>Small helpers over the task routes, reading JSON as a user of the API would.</summary>
internal static class TaskApi
{
    public static async Task<JsonObject> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/tasks", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /tasks answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> GetAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/tasks/{id}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /tasks/{id} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<string> StatusAsync(HttpClient client, string id) => (string)(await GetAsync(client, id))["status"]!;

    /// <summary>Asserts a ProblemDetails answer with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]), "ProblemDetails without a title");
        return problem;
    }

    public static DateTimeOffset Instant(JsonNode? node) => node!.GetValue<DateTimeOffset>();

    /// <summary>How many attempts a task resource lists.</summary>
    public static int AttemptCount(JsonNode task) => task["attempts"]!.AsArray().Count;

    public static HttpContent Json(string raw) => new StringContent(raw, System.Text.Encoding.UTF8, "application/json");

    public static string Describe(JsonObject problem) => problem.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
