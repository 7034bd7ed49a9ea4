using Microsoft.Extensions.DependencyInjection;
using TaskOrchestrator.Idempotency;

namespace TaskOrchestrator.Grains.Tests.Idempotency;

/// <summary>The claim grain on a real silo with memory storage: the claim outlives its activation, and a reminder will clear it.</summary>
[Collection(TaskClusterCollection.Name)]
public sealed class IdempotencyGrainTests(TaskClusterFixture fixture)
{
    [Fact]
    public async Task ClaimAsync_Repeated_ReplaysFirstIdAndRefusesOtherFingerprint()
    {
        var grain = NewKey();
        var first = Guid.CreateVersion7();

        Assert.Equal(IdempotencyClaim.Fresh(first), await grain.ClaimAsync("a", first));

        // The grain deactivates after a claim, so these answers come from storage.
        Assert.Equal(IdempotencyClaim.Replay(first), await grain.ClaimAsync("a", Guid.CreateVersion7()));
        Assert.Equal(IdempotencyClaim.Mismatch(), await grain.ClaimAsync("b", Guid.CreateVersion7()));
    }

    [Fact]
    public async Task ClaimAsync_Fresh_RegistersReminderDueAfterTheWindow()
    {
        var key = $"tasks|{Guid.NewGuid():N}";
        await fixture.Cluster.Client.GetGrain<IIdempotencyGrain>(key).ClaimAsync("a", Guid.CreateVersion7());

        var reminders = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();
        var rows = await reminders.ReadRows(GrainId.Create("idempotency", key));
        var reminder = Assert.Single(rows.Reminders);
        Assert.True(reminder.Period > IdempotencyWindow.Length, $"The reminder's period {reminder.Period} is not past the window");
        Assert.True(reminder.StartAt - DateTime.UtcNow > IdempotencyWindow.Length - TimeSpan.FromMinutes(1), $"The reminder is due at {reminder.StartAt:O}");
    }

    private IIdempotencyGrain NewKey() => fixture.Cluster.Client.GetGrain<IIdempotencyGrain>($"tasks|{Guid.NewGuid():N}");
}
