using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Tasks;

/// <summary>Task definitions and waits shared by the task grain tests.</summary>
internal static class TestTasks
{
    /// <summary>The owner of tasks whose owner does not matter to the test.</summary>
    public const string Owner = "tester";

    /// <summary>How long a test waits for something that should take well under a second.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>How late a call may arrive and still count as on time: loose, because CI machines are noisy.</summary>
    public static readonly TimeSpan Late = TimeSpan.FromSeconds(2);

    /// <summary>An instant <paramref name="milliseconds"/> from now.</summary>
    public static DateTimeOffset In(int milliseconds) => DateTimeOffset.UtcNow.AddMilliseconds(milliseconds);

    /// <summary>A POST of a small JSON body to <paramref name="url"/> at <paramref name="dueAt"/>.</summary>
    public static TaskDefinition Post(string url, DateTimeOffset dueAt, string owner = Owner) =>
        new(owner, url, "POST", null, """{"ping":true}""", DateTimeOffset.UtcNow, dueAt);

    /// <summary>Polls the task until it is Completed, Failed or Cancelled, and returns it.</summary>
    public static async Task<TaskSnapshot> WaitUntilFinalAsync(this ITaskGrain grain) =>
        await grain.WaitUntilAsync(s => s.Status.IsFinal(), "the task to finish");

    /// <summary>Polls the task until <paramref name="condition"/> holds for its snapshot, and returns it.</summary>
    public static async Task<TaskSnapshot> WaitUntilAsync(this ITaskGrain grain, Func<TaskSnapshot, bool> condition, string expected) =>
        (await Poll.UntilAsync(grain.GetAsync, s => s is not null && condition(s), Wait, expected))!;
}
