using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Orchestrations;

/// <summary>A change that would let an orchestration make more calls than <see cref="OrchestrationChange.MaxCalls"/> is refused by the grain.</summary>
[Collection(TaskClusterCollection.Name)]
public sealed class OrchestrationModifyLimitTests(TaskClusterFixture fixture)
{
    private static readonly DateTimeOffset Far = DateTimeOffset.UtcNow.AddDays(1);

    [Fact]
    public async Task ModifyAsync_OverMaxCalls_IsInvalidAndChangesNothing()
    {
        var grain = fixture.NewOrchestration();
        await grain.CreateOkAsync(TestOrchestrations.Define(Far, Urls(10)));

        // 10 steps of 1 call, each followed by 101 check calls: 1,020.
        var result = await grain.ModifyAsync(new OrchestrationChange(null, null, TestOrchestrations.Check(fixture.Target.UrlFor(), retries: 100), null, MaxCalls: 1000));

        Assert.Equal(TaskCommandOutcome.Invalid, result.Outcome);
        Assert.Contains("up to 1020 calls", result.Reason, StringComparison.Ordinal);
        Assert.Contains("limit of calls per orchestration is 1000", result.Reason, StringComparison.Ordinal);
        Assert.All((await grain.GetAsync())!.Steps, s => Assert.Null(s.ConditionCheck));
        Assert.Equal(TaskCommandOutcome.Ok, (await grain.CancelAsync()).Outcome);
    }

    [Fact]
    public async Task ModifyAsync_TwoChangesAtOnce_CannotTogetherExceedMaxCalls()
    {
        // Each change is within the limit against the definition it was made for (1 step, no check): 1,000 steps of
        // 1 call, or a check of 11 calls after each step. Applied together they make 12,000.
        var grain = fixture.NewOrchestration();
        await grain.CreateOkAsync(TestOrchestrations.Define(Far, Urls(1)));
        var moreSteps = new OrchestrationChange(null, [.. Urls(1000).Select(u => new OrchestrationStepDefinition(u, "POST", null, null))], null, null, MaxCalls: 10_000);
        var check = new OrchestrationChange(null, null, TestOrchestrations.Check(fixture.Target.UrlFor(), retries: 10), null, MaxCalls: 10_000);

        var results = await Task.WhenAll(grain.ModifyAsync(moreSteps), grain.ModifyAsync(check));

        Assert.Single(results, r => r.Outcome == TaskCommandOutcome.Ok);
        Assert.Single(results, r => r.Outcome == TaskCommandOutcome.Invalid);
        Assert.Equal(TaskCommandOutcome.Ok, (await grain.CancelAsync()).Outcome);
    }

    private IEnumerable<string> Urls(int count) => Enumerable.Range(0, count).Select(_ => fixture.Target.UrlFor());
}
