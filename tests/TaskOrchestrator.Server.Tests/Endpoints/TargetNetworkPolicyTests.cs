using System.Net;
using System.Net.Http.Json;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints;

/// <summary>The SSRF guard through the API: literal blocked addresses are refused at create, host names when called.</summary>
[Collection(NetworkPolicyServerCollection.Name)]
public sealed class TargetNetworkPolicyTests(NetworkPolicyServerFixture fixture)
{
    private readonly HttpClient _blocking = fixture.Blocking.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
    private readonly HttpClient _localhostAllowed = fixture.LocalhostAllowed.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    [Theory]
    [InlineData("http://10.0.0.5/x", "a private address (RFC 1918)")]
    [InlineData("http://169.254.169.254/latest/meta-data", "a link-local address")]
    [InlineData("http://[::1]:8080/", "a loopback address")]
    [InlineData("http://2130706433/", "a loopback address")]
    [InlineData("http://0x7f.1/", "a loopback address")]
    [InlineData("https://[::ffff:192.168.0.1]/", "a private address (RFC 1918)")]
    [InlineData("http://100.64.1.1/", "CGNAT")]
    [InlineData("http://[fd00::1]/", "a unique-local address")]
    public async Task CreateTask_LiteralBlockedAddress_Returns422NamingTaskUrl(string url, string kind)
    {
        using var response = await _blocking.PostAsJsonAsync("/tasks", new { taskURL = url, delayInMS = 0 });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Target not allowed", (string?)problem["title"]);
        Assert.StartsWith("taskURL: Refused to connect to ", (string?)problem["detail"], StringComparison.Ordinal);
        var error = (string?)problem["errors"]?["taskURL"]?[0];
        Assert.True(error is not null && error.Contains(kind, StringComparison.Ordinal), $"Expected a taskURL error naming {kind}: {TaskApi.Describe(problem)}");
    }

    [Fact]
    public async Task CreateOrchestration_BlockedStepAndCheckUrls_Returns422NamingEach()
    {
        using var response = await _blocking.PostAsJsonAsync("/orchestrations", new
        {
            tasks = new object[]
            {
                new { taskURL = "http://93.184.215.14/first" },
                new { taskURL = "http://10.0.0.5/second", fallbackTaskURL = "http://[fe80::1]/fallback" },
            },
            conditionCheck = new { taskURL = "http://192.168.1.1/check" },
        });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["conditionCheck.taskURL", "tasks[1].fallbackTaskURL", "tasks[1].taskURL"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("a link-local address", (string?)errors["tasks[1].fallbackTaskURL"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTask_PublicLiteralAddress_Returns201()
    {
        var task = await TaskApi.CreateAsync(_blocking, new { taskURL = "http://93.184.215.14/x", delayInMS = 3_600_000 });

        using var cancelled = await _blocking.PutAsync($"/tasks/{task["id"]}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
    }

    [Fact]
    public async Task Task_HostResolvingToLoopback_FailsBlockedWithoutCalling()
    {
        var url = LocalhostUrl();

        // A host name is accepted at create: only what it resolves to when called counts.
        var id = (string)(await TaskApi.CreateAsync(_blocking, new { taskURL = url, delayInMS = 0 }))["id"]!;
        var task = await Poll.UntilAsync(
            () => TaskApi.GetAsync(_blocking, id), t => (string?)t["status"] is "Failed" or "Completed", TimeSpan.FromSeconds(30), $"task {id} to finish");

        Assert.Equal("Failed", (string?)task["status"]);
        // The owner learns that the name is blocked and how to allow it, never what it resolves to.
        Assert.Equal(
            "Refused to connect to localhost: it resolves to no address the network policy allows (allow it under TaskOrchestrator:Delivery:Network).",
            (string?)task["response"]?["error"]);
        Assert.DoesNotContain("127.0.0.1", task.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("loopback", task.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(fixture.Target.CallsTo(url));

        // The operator's log has it.
        await Poll.UntilAsync(
            () => fixture.Blocking.Output.Any(line => line.Contains("Refused to connect to localhost: every address it resolves to is blocked", StringComparison.Ordinal)
                && line.Contains("a loopback address", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            "a warning in the server's log naming what localhost resolved to");
    }

    [Fact]
    public async Task Task_HostResolvingToLoopbackAllowlisted_Completes()
    {
        var url = LocalhostUrl();

        var id = (string)(await TaskApi.CreateAsync(_localhostAllowed, new { taskURL = url, delayInMS = 0 }))["id"]!;
        var task = await Poll.UntilAsync(
            () => TaskApi.GetAsync(_localhostAllowed, id), t => (string?)t["status"] is "Failed" or "Completed", TimeSpan.FromSeconds(30), $"task {id} to finish");

        Assert.True((string?)task["status"] == "Completed", $"Expected Completed: {task.ToJsonString()}");
        Assert.Single(fixture.Target.CallsTo(url));
    }

    [Fact]
    public async Task CreateTask_LiteralLoopbackOnAllowlistedHostOnly_Returns422()
    {
        // Allowing the name localhost does not allow the address itself.
        using var response = await _localhostAllowed.PostAsJsonAsync("/tasks", new { taskURL = fixture.Target.UrlFor("ok"), delayInMS = 0 });

        await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    private string LocalhostUrl() => new UriBuilder(fixture.Target.UrlFor("ok")) { Host = "localhost" }.Uri.ToString();
}
