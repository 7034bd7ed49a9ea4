using TaskOrchestrator.Grains.Tests.Tasks;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Orchestrations;

/// <summary>Orchestration definitions and waits shared by the orchestration grain tests.</summary>
internal static class TestOrchestrations
{
    /// <summary>Steps that POST nothing to each of <paramref name="urls"/>, from <paramref name="startAt"/>.</summary>
    public static OrchestrationDefinition Define(
        DateTimeOffset startAt, IEnumerable<string> urls, ConditionCheckDefinition? check = null, string? fallbackUrl = null) =>
        new(TestTasks.Owner, DateTimeOffset.UtcNow, startAt, [.. urls.Select(u => new OrchestrationStepDefinition(u, "POST", null, null))], check, fallbackUrl);

    /// <summary>A GET check of <paramref name="url"/>.</summary>
    public static ConditionCheckDefinition Check(string url, int retries = 0, int delayMs = 0, int retryDelayMs = 100) =>
        new(url, "GET", TimeSpan.FromMilliseconds(delayMs), retries, TimeSpan.FromMilliseconds(retryDelayMs));

    /// <summary>Creates the orchestration and asserts it was accepted.</summary>
    public static async Task<OrchestrationSnapshot> CreateOkAsync(this IOrchestrationGrain grain, OrchestrationDefinition definition)
    {
        var result = await grain.CreateAsync(definition);
        Assert.Equal(TaskCommandOutcome.Ok, result.Outcome);
        return result.Orchestration!;
    }

    /// <summary>Polls until the orchestration is Completed, Failed or Cancelled with nothing in flight, and returns it.</summary>
    public static Task<OrchestrationSnapshot> WaitUntilFinalAsync(this IOrchestrationGrain grain) =>
        grain.WaitUntilAsync(
            o => o.Status.IsFinal() && o.Steps.All(s => s.TaskStatus is null || s.TaskStatus.Value.IsFinal()),
            "the orchestration to finish");

    /// <summary>Polls until <paramref name="condition"/> holds for the orchestration, and returns it.</summary>
    public static async Task<OrchestrationSnapshot> WaitUntilAsync(this IOrchestrationGrain grain, Func<OrchestrationSnapshot, bool> condition, string expected) =>
        (await Poll.UntilAsync(grain.GetAsync, o => o is not null && condition(o), TestTasks.Wait, expected))!;
}
