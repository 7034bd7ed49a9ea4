using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Orchestrations;

/// <summary>The most calls an orchestration can make (<see cref="OrchestrationWork.MaxCalls"/>).</summary>
public sealed class OrchestrationWorkTests
{
    private const string Url = "http://127.0.0.1:9/x";

    [Fact]
    public void MaxCalls_StepsWithoutPolicies_MakeOneCallEach()
    {
        Assert.Equal(3, OrchestrationWork.MaxCalls(Define([Step(null), Step(null), Step(null)])));
    }

    [Fact]
    public void MaxCalls_StepsAndTheirChecks_AddAttemptsAndCheckRetriesTimesAttempts()
    {
        // Step 0: 4 attempts + its own check, (2 + 1) x 5; step 1: 1 attempt + the default check, (0 + 1) x 2.
        var definition = Define(
            [Step(4, check: Check(retries: 2, attempts: 5)), Step(1)],
            check: Check(retries: 0, attempts: 2));

        Assert.Equal(4 + 15 + 1 + 2, OrchestrationWork.MaxCalls(definition));
    }

    [Fact]
    public void MaxCalls_Fallbacks_CountOnceOnTheLongestPath()
    {
        // Each step: 2 attempts + (1 + 1) x 3 check calls = 8; a failed check runs the fallback (5 attempts) and ends it all,
        // so the longest path passes the first two steps and fails the last: 8 + 8 + 8 + 5.
        var definition = Define([Step(2), Step(2), Step(2)], check: Check(retries: 1, attempts: 3), fallback: Url, fallbackAttempts: 5);

        Assert.Equal(29, OrchestrationWork.MaxCalls(definition));
    }

    [Fact]
    public void MaxCalls_StepWithoutCheck_NeverRunsItsFallback()
    {
        var definition = Define([Step(7, fallback: Url)], fallbackAttempts: 100);

        Assert.Equal(7, OrchestrationWork.MaxCalls(definition));
    }

    [Fact]
    public void MaxCalls_EverySettingAtItsMaximum_IsAboutTenMillion()
    {
        var steps = Enumerable.Range(0, 1000).Select(_ => Step(100)).ToArray();

        Assert.Equal(1000 * (100 + 101 * 100) + 100, OrchestrationWork.MaxCalls(Define(steps, Check(retries: 100, attempts: 100), Url, fallbackAttempts: 100)));
    }

    private static OrchestrationDefinition Define(
        OrchestrationStepDefinition[] steps, ConditionCheckDefinition? check = null, string? fallback = null, int? fallbackAttempts = null) =>
        new("owner", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, steps, check, fallback, fallbackAttempts is { } n ? Policy(n) : null);

    private static OrchestrationStepDefinition Step(int? attempts, ConditionCheckDefinition? check = null, string? fallback = null) =>
        new(Url, "POST", null, null, check, fallback, attempts is { } n ? Policy(n) : null);

    private static ConditionCheckDefinition Check(int retries, int attempts) =>
        new(Url, "GET", TimeSpan.Zero, retries, TimeSpan.FromSeconds(1), Policy(attempts));

    private static DeliveryPolicy Policy(int attempts) =>
        new(new RetryPolicy(attempts, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(1), 0, RetryPolicy.DefaultRetryOn), TimeSpan.FromSeconds(30));
}
