using System.Net;
using System.Net.Http.Json;
using TaskOrchestrator.Server.Tests.Endpoints;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Delivery;

/// <summary>A server with no AWS region signs for no host, and its 422 says how to configure signing.</summary>
[Collection(NetworkPolicyServerCollection.Name)]
public sealed class AwsSigningWithoutRegionTests(NetworkPolicyServerFixture fixture)
{
    [Fact]
    public async Task CreateTask_AwsSigV4WithoutRegion_Returns422SayingHowToConfigure()
    {
        using var client = fixture.Blocking.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

        using var response = await client.PostAsJsonAsync("/tasks", new { taskURL = "https://abc123.lambda-url.eu-west-1.on.aws/", authentication = "awsSigV4", delayInMS = 600_000 });

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var error = (string?)problem["errors"]?["taskURL"]?[0];
        Assert.True(
            error is not null && error.Contains("no AWS region is configured. Set TaskOrchestrator:Delivery:Aws:Region", StringComparison.Ordinal),
            $"Expected a taskURL error saying how to configure signing: {TaskApi.Describe(problem)}");
    }
}
