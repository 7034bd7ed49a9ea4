using TaskOrchestrator.Grains.Tests.Tasks;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Quotas;

/// <summary>
/// The owner's pending count on a real silo with the in-memory task store. The fixture counts again at every refusal
/// (<see cref="PendingLimitOptions.RecountAtCapAfter"/> zero).
/// </summary>
[Collection(TaskClusterCollection.Name)]
public sealed class OwnerQuotaGrainTests(TaskClusterFixture fixture)
{
    private static readonly DateTimeOffset Far = DateTimeOffset.UtcNow.AddDays(1);

    [Fact]
    public async Task TryReserveAsync_FirstReservation_CountsTheOwnersPendingStandaloneTasks()
    {
        var owner = NewOwner();
        await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), Far, owner));
        await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), Far, owner));
        await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), Far, owner) with { OrchestrationId = Guid.NewGuid() });
        await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), Far, NewOwner()));
        var finished = await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), DateTimeOffset.UtcNow, owner));
        await finished.WaitUntilFinalAsync();

        var admission = await Quota(owner).TryReserveAsync(owner, PendingKind.Task, 10);

        // Two Scheduled standalone tasks, and the place just reserved; not the step, the other owner's or the finished task.
        Assert.Equal(new PendingAdmission(true, 3), admission);
    }

    [Fact]
    public async Task TryReserveAsync_AtCap_CountsAgainBeforeRefusing()
    {
        var owner = NewOwner();
        await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), Far, owner));
        var quota = Quota(owner);
        Assert.Equal(new PendingAdmission(true, 2), await quota.TryReserveAsync(owner, PendingKind.Task, 2));

        // That place was never used (its create failed without a release): at the cap, the count from the listing wins.
        Assert.Equal(new PendingAdmission(true, 2), await quota.TryReserveAsync(owner, PendingKind.Task, 2));

        await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), Far, owner));
        Assert.Equal(new PendingAdmission(false, 2), await quota.TryReserveAsync(owner, PendingKind.Task, 2));
    }

    [Fact]
    public async Task ReleaseAsync_StandaloneTasksThatFinish_FreeTheirPlaces()
    {
        var owner = NewOwner();
        var quota = Quota(owner);
        Assert.Equal(new PendingAdmission(true, 1), await quota.TryReserveAsync(owner, PendingKind.Task, 10));
        Assert.Equal(new PendingAdmission(true, 2), await quota.TryReserveAsync(owner, PendingKind.Task, 10));
        var due = await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), DateTimeOffset.UtcNow, owner));
        var far = await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), Far, owner));

        await due.WaitUntilFinalAsync();
        Assert.Equal(TaskCommandOutcome.Ok, (await far.CancelAsync()).Outcome);

        await Poll.UntilAsync(async () => await PendingAsync(quota, owner) == 0, TestTasks.Wait, "both places to be free once both tasks finished");
    }

    [Fact]
    public async Task ReleaseAsync_BeforeAnyCount_IsIgnored()
    {
        var owner = NewOwner();
        await ScheduleAsync(TestTasks.Post(fixture.Target.UrlFor(), Far, owner));
        var quota = Quota(owner);
        await quota.ReleaseAsync(PendingKind.Task);
        await quota.ReleaseAsync(PendingKind.Orchestration);

        Assert.Equal(new PendingAdmission(true, 2), await quota.TryReserveAsync(owner, PendingKind.Task, 10));
        Assert.Equal(new PendingAdmission(true, 1), await quota.TryReserveAsync(owner, PendingKind.Orchestration, 10));
    }

    [Fact]
    public async Task TryReserveAsync_OwnerOfAnotherKey_IsRefused()
    {
        var grain = Quota(NewOwner());
        await Assert.ThrowsAsync<ArgumentException>(() => grain.TryReserveAsync(NewOwner(), PendingKind.Task, 10));
    }

    private static string NewOwner() => $"owner/{Guid.NewGuid():N}#?";

    private IOwnerQuotaGrain Quota(string owner) => fixture.Cluster.Client.GetGrain<IOwnerQuotaGrain>(OwnerQuotaKey.For(owner));

    private async Task<ITaskGrain> ScheduleAsync(TaskDefinition definition)
    {
        var grain = fixture.NewTask();
        Assert.Equal(TaskCommandOutcome.Ok, (await grain.ScheduleAsync(definition)).Outcome);
        return grain;
    }

    /// <summary>The pending count, read by reserving a place (under a cap it cannot reach) and giving it back.</summary>
    private static async Task<long> PendingAsync(IOwnerQuotaGrain quota, string owner)
    {
        var probe = await quota.TryReserveAsync(owner, PendingKind.Task, long.MaxValue);
        await quota.ReleaseAsync(PendingKind.Task);
        return probe.Pending - 1;
    }
}
