using Microsoft.Extensions.DependencyInjection;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;
using static TaskOrchestrator.Grains.Tests.Tasks.TestTasks;

namespace TaskOrchestrator.Grains.Tests.Tasks;

[Collection(TaskClusterCollection.Name)]
public sealed class TaskGrainReminderTests(TaskClusterFixture fixture)
{
    [Fact]
    public async Task Finish_ReminderRowChangedSinceRegistered_RemovesTheReminder()
    {
        var table = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();
        var grain = fixture.NewTask();
        var id = grain.GetGrainId();
        await grain.ScheduleAsync(Post(fixture.Target.UrlFor(), In(1_500)));
        var row = await Poll.UntilAsync(() => table.ReadRow(id, "due"), r => r is not null, Wait, "the task's reminder to be stored");

        // Written again behind the grain's back: the ETag of the handle the grain kept no longer matches the row.
        await table.UpsertRow(new ReminderEntry { GrainId = id, ReminderName = "due", StartAt = row!.StartAt, Period = row.Period });
        await grain.WaitUntilFinalAsync();

        await Poll.UntilAsync(async () => await table.ReadRow(id, "due") is null, Wait, "the finished task's reminder to be removed");
    }
}
