using TaskOrchestrator.Server.Endpoints.Orchestrations;

namespace TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;

/// <summary>The older top-level names of the default check are folded into <c>conditionCheck</c>, keeping the names the caller used.</summary>
public sealed class NormalizedOrchestrationRequestTests
{
    private const string Url = "http://127.0.0.1:9/x";

    [Fact]
    public void From_OlderNamesOnly_FoldsThemIntoConditionCheckAndNamesEachSettingByItsOlderName()
    {
        var request = new OrchestrationRequest { ConditionCheckTaskUrl = Url, TimeDelayForConditionCheck = 5, ConditionCheckRetries = 2, TimeDelayBetweenRetries = 7 };

        var input = NormalizedOrchestrationRequest.From(request);

        Assert.Equal(new ConditionCheckRequestBody { TaskUrl = Url, DelayInMs = 5, Retries = 2, RetryDelayInMs = 7 }, input.Request.ConditionCheck);
        Assert.Equal(new OrchestrationRequest { ConditionCheck = input.Request.ConditionCheck }, input.Request);
        Assert.Equal(
            new ConditionCheckFields(
                "conditionCheckTaskURL", "conditionCheck.method", "timeDelayForConditionCheck", "conditionCheckRetries", "timeDelayBetweenRetries", "conditionCheck."),
            input.DefaultCheck);
        Assert.Empty(input.NamedTwice);
    }

    [Fact]
    public void From_BothSpellingsMixed_NamesEachSettingAsGivenAndListsThoseGivenTwice()
    {
        var request = new OrchestrationRequest
        {
            ConditionCheck = new() { TaskUrl = Url, Retries = 1 },
            ConditionCheckRetries = 3,
            TimeDelayBetweenRetries = 7,
        };

        var input = NormalizedOrchestrationRequest.From(request);

        // The current name's value wins where both are given; that one is refused by the validator.
        Assert.Equal(new ConditionCheckRequestBody { TaskUrl = Url, Retries = 1, RetryDelayInMs = 7 }, input.Request.ConditionCheck);
        Assert.Equal(
            new ConditionCheckFields(
                "conditionCheck.taskURL", "conditionCheck.method", "conditionCheck.delayInMS", "conditionCheck.retries", "timeDelayBetweenRetries", "conditionCheck."),
            input.DefaultCheck);
        Assert.Equal([("conditionCheckRetries", "conditionCheck.retries")], input.NamedTwice);
    }

    [Fact]
    public void From_NoOlderNames_LeavesTheRequestAsItIs()
    {
        var request = new OrchestrationRequest { ConditionCheck = new() { TaskUrl = Url }, FallbackTaskUrl = Url };

        var input = NormalizedOrchestrationRequest.From(request);

        Assert.Same(request, input.Request);
        Assert.Equal(ConditionCheckFields.Under("conditionCheck"), input.DefaultCheck);
        Assert.Empty(input.NamedTwice);
    }
}
