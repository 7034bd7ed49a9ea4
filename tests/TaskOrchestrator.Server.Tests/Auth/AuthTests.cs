using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Auth;

[Collection(MemoryServerCollection.Name)]
public sealed class AuthTests(MemoryServerFixture fixture)
{
    private object NewTask() => new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 };

    [Fact]
    public async Task CreateTask_WithoutToken_Returns401Problem()
    {
        using var client = fixture.Server.CreateClient(token: null);
        using var response = await client.PostAsJsonAsync("/tasks", NewTask());
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("bearer token is required", (string)problem["detail"]!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task CreateTask_WithWrongSignature_Returns401Problem()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create("alice", signingKey: RandomNumberGenerator.GetBytes(32)));
        using var response = await client.PostAsJsonAsync("/tasks", NewTask());
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("rejected", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTask_WithExpiredToken_Returns401Problem()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create("alice", expires: DateTime.UtcNow.AddMinutes(-10)));
        using var response = await client.PostAsJsonAsync("/tasks", NewTask());
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("expired", (string)problem["detail"]!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CreateTask_WithTokenWithoutSubject_Returns403Problem()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create(subject: null));
        using var response = await client.PostAsJsonAsync("/tasks", NewTask());
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("\t\n", "empty")]
    public async Task CreateTask_WithEmptySubject_Returns401Problem(string subject, string reason)
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create(subject));
        using var response = await client.PostAsJsonAsync("/tasks", NewTask());
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains($"subject ('sub') is {reason}", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task ListTasks_WithSubjectOver256Characters_Returns401Problem()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create(new string('x', 257)));
        using var response = await client.GetAsync(new Uri("/tasks", UriKind.Relative));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("longer than 256 characters", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTask_WithSubjectOf256Characters_OwnsTheTask()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create($"{Guid.NewGuid():N}{new string('é', 224)}"));
        var task = await TaskApi.CreateAsync(client, NewTask());
        Assert.Equal((string)task["id"]!, (string)(await TaskApi.GetAsync(client, (string)task["id"]!))["id"]!);
    }

    [Fact]
    public async Task GetStats_AsAdminWithEmptySubject_Returns401Problem()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create(" ", roles: ["admin"]));
        using var response = await client.GetAsync(new Uri("/admin/stats", UriKind.Relative));
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CreateTask_WithValidToken_OwnsTheTask()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create($"owner-{Guid.NewGuid():N}"));
        var task = await TaskApi.CreateAsync(client, NewTask());
        var fetched = await TaskApi.GetAsync(client, (string)task["id"]!);
        Assert.Equal((string)task["id"]!, (string)fetched["id"]!);
    }

    [Fact]
    public async Task TaskRoutes_OtherSubject_SeeNothing()
    {
        using var alice = fixture.Server.CreateClient(TestTokens.Create($"alice-{Guid.NewGuid():N}"));
        using var mallory = fixture.Server.CreateClient(TestTokens.Create($"mallory-{Guid.NewGuid():N}"));
        var id = (string)(await TaskApi.CreateAsync(alice, NewTask()))["id"]!;

        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => mallory.GetAsync($"/tasks/{id}"),
            () => mallory.GetAsync($"/tasks/{id}/status"),
            () => mallory.PutAsync($"/tasks/{id}/cancel", null),
            () => mallory.PatchAsync($"/tasks/{id}", TaskApi.Json("""{"delayInMS":1}""")),
        })
        {
            using var response = await request();
            await TaskApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }

        var malloryList = await mallory.GetFromJsonAsync<JsonArray>("/tasks?limit=1000");
        Assert.DoesNotContain(malloryList!, t => (string)t!["id"]! == id);
        Assert.Equal("Scheduled", await TaskApi.StatusAsync(alice, id));
    }

    [Fact]
    public async Task TaskRoutes_Admin_SeesAndManagesEveryOwnersTasks()
    {
        using var alice = fixture.Server.CreateClient(TestTokens.Create($"alice-{Guid.NewGuid():N}"));
        using var admin = fixture.Server.CreateClient(TestTokens.Create("operator", roles: ["admin"]));
        var id = (string)(await TaskApi.CreateAsync(alice, NewTask()))["id"]!;

        var list = await admin.GetFromJsonAsync<JsonArray>("/tasks?limit=1000");
        Assert.Contains(list!, t => (string)t!["id"]! == id);
        using var cancel = await admin.PutAsync($"/tasks/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("Cancelled", await TaskApi.StatusAsync(alice, id));
    }
}
