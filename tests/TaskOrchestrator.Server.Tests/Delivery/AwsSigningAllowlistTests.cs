using System.Net;
using System.Net.Http.Json;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Delivery;

/// <summary>
/// The AWS SigV4 allowlist at create, through the API of a server whose region is us-east-1 (its default list is that
/// region's Lambda function URLs): no tenant can have the service's AWS identity sign for an AWS API.
/// </summary>
[Collection(MemoryServerCollection.Name)]
public sealed class AwsSigningAllowlistTests(MemoryServerFixture fixture)
{
    private const string FunctionUrl = "https://abc123.lambda-url.us-east-1.on.aws/run";

    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    [Fact]
    public async Task CreateTask_AwsSigV4ToLambdaApi_Returns422NamingTaskUrl()
    {
        // Signed, this would list the account's functions with their environment variables, and the answer is the task's.
        using var response = await _client.PostAsJsonAsync("/tasks", new
        {
            taskURL = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/", method = "GET", authentication = "awsSigV4", delayInMS = 600_000,
        });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Target not allowed", (string?)problem["title"]);
        Assert.Equal(
            "AWS SigV4 signing is not allowed for lambda.us-east-1.amazonaws.com: the service signs only for hosts matching " +
            "TaskOrchestrator:Delivery:Aws:AllowedHosts (*.lambda-url.us-east-1.on.aws).",
            (string?)problem["errors"]?["taskURL"]?[0]);
    }

    [Fact]
    public async Task CreateTask_SameUrlWithoutAwsSigV4_Returns201()
    {
        // Only signing is restricted: an unsigned call to any public host is the tenant's own business.
        var task = await TaskApi.CreateAsync(_client, new { taskURL = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/", method = "GET", delayInMS = 600_000 });

        await CancelAsync(_client, (string)task["id"]!);
    }

    [Fact]
    public async Task CreateTask_AwsSigV4ToFunctionUrlOfTheRegion_Returns201()
    {
        var task = await TaskApi.CreateAsync(_client, new { taskURL = FunctionUrl, authentication = "awsSigV4", delayInMS = 600_000 });

        Assert.Equal("awsSigV4", (string?)task["authentication"]);
        await CancelAsync(_client, (string)task["id"]!);
    }

    [Fact]
    public async Task CreateTask_AwsSigV4ToFunctionUrlOfAnotherRegion_Returns422()
    {
        using var response = await _client.PostAsJsonAsync("/tasks", new { taskURL = "https://abc123.lambda-url.eu-west-1.on.aws/", authentication = "awsSigV4", delayInMS = 600_000 });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("taskURL: AWS SigV4 signing is not allowed for abc123.lambda-url.eu-west-1.on.aws", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTask_AwsHostsClaim_NarrowsTheListForThatOwner()
    {
        var claims = new Dictionary<string, string> { ["aws_hosts"] = "mine.lambda-url.us-east-1.on.aws *.example.com" };
        using var client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}", claims: claims));

        var mine = await TaskApi.CreateAsync(client, new { taskURL = "https://mine.lambda-url.us-east-1.on.aws/", authentication = "awsSigV4", delayInMS = 600_000 });
        using var theirs = await client.PostAsJsonAsync("/tasks", new { taskURL = FunctionUrl, authentication = "awsSigV4", delayInMS = 600_000 });
        // On the claim, but not on the service's list: the claim never widens it.
        using var widened = await client.PostAsJsonAsync("/tasks", new { taskURL = "https://api.example.com/", authentication = "awsSigV4", delayInMS = 600_000 });

        await CancelAsync(client, (string)mine["id"]!);
        var problem = await TaskApi.AssertProblemAsync(theirs, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(
            "AWS SigV4 signing is not allowed for abc123.lambda-url.us-east-1.on.aws: your token's aws_hosts claim allows only mine.lambda-url.us-east-1.on.aws, *.example.com.",
            (string?)problem["errors"]?["taskURL"]?[0]);
        await TaskApi.AssertProblemAsync(widened, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task CreateOrchestration_AwsSigV4Targets_Returns422NamingEachJsonPath()
    {
        // Orchestration-wide awsSigV4: every step, check and fallback inherits it, except a step that says "none".
        using var response = await _client.PostAsJsonAsync("/orchestrations", new
        {
            authentication = "awsSigV4",
            tasks = new object[]
            {
                new { taskURL = FunctionUrl },
                new { taskURL = "https://unsigned.example.com/", authentication = "none" },
                new { taskURL = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/", conditionCheck = new { taskURL = "https://sts.amazonaws.com/" } },
                new { taskURL = FunctionUrl, fallbackTaskURL = "https://iam.amazonaws.com/" },
            },
            conditionCheck = new { taskURL = "https://s3.amazonaws.com/" },
            fallbackTaskURL = "https://ec2.us-east-1.amazonaws.com/",
        });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(
            ["conditionCheck.taskURL", "fallbackTaskURL", "tasks[2].conditionCheck.taskURL", "tasks[2].taskURL", "tasks[3].fallbackTaskURL"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("not allowed for sts.amazonaws.com", (string?)errors["tasks[2].conditionCheck.taskURL"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateOrchestration_StepAwsSigV4ToFunctionUrl_Returns201()
    {
        using var response = await _client.PostAsJsonAsync("/orchestrations", new
        {
            initialDelayInMS = 600_000,
            tasks = new object[] { new { taskURL = FunctionUrl, authentication = "awsSigV4" }, new { taskURL = "https://unsigned.example.com/" } },
            fallbackTaskURL = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/",
        });

        // The fallback is not signed (the orchestration's authentication is none), so its host does not matter.
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /orchestrations answered {(int)response.StatusCode}: {text}");
        using var cancelled = await _client.PutAsync(response.Headers.Location + "/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
    }

    private static async Task CancelAsync(HttpClient client, string id)
    {
        using var cancelled = await client.PutAsync($"/tasks/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
    }
}
