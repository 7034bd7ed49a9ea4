using TaskOrchestrator.Client.Bulk;
using TaskOrchestrator.Client.Orchestrations;
using TaskOrchestrator.Client.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Client.Tests;

/// <summary>Labels, reruns, retries and bulk actions through the typed client against the real server.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class TaskOrchestratorClientLoopTests(ClientServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ITaskOrchestratorClient _client = fixture.CreateClient();

    [Fact]
    public async Task RerunTaskAsync_FailedTaskWithLabels_NewTaskListedByLabelAndOnTheOriginal()
    {
        var labels = new Dictionary<string, string> { ["team"] = $"t{Guid.NewGuid():N}" };
        var failed = await _client.ScheduleAsync(new Uri(fixture.Target.UrlFor("status/400")), new ScheduleOptions { Delay = TimeSpan.Zero, Labels = labels });
        Assert.Equal(labels, failed.Labels);
        await Poll.UntilAsync(async () => (await _client.GetStatusAsync(failed.Id)) == ScheduledTaskStatus.Failed, Timeout, "the task to fail");

        var rerun = await _client.RerunTaskAsync(failed.Id, TimeSpan.FromHours(1));

        Assert.Equal(failed.Id, rerun.RerunOf);
        Assert.Equal(ScheduledTaskStatus.Scheduled, rerun.Status);
        Assert.Equal(labels, rerun.Labels);
        Assert.Equal([rerun.Id], (await _client.GetAsync(failed.Id)).Reruns);
        Assert.Equal([rerun.Id], await _client.ListByLabelsAsync(labels, ScheduledTaskStatus.Scheduled).Select(t => t.Id).ToListAsync());
        await Assert.ThrowsAsync<TaskOrchestratorConflictException>(() => _client.RerunTaskAsync(rerun.Id));

        var relabelled = await _client.ModifyLabelsAsync(rerun.Id, new Dictionary<string, string> { ["team"] = "other" });
        Assert.Equal("other", relabelled.Labels["team"]);

        var bulk = await _client.BulkCancelTasksAsync(BulkSelection.Of([rerun.Id, failed.Id]));
        Assert.Equal(["cancelled", "skipped"], bulk.Results.Select(r => r.Outcome));
        Assert.Null(bulk.Continuation);
    }

    [Fact]
    public async Task RetryOrchestrationAsync_FailedStep_RunsItAgainAndKeepsThePreviousRun()
    {
        var step = new Uri(fixture.Target.UrlFor("status/400"));
        var created = await _client.ScheduleOrchestrationAsync(new OrchestrationDefinition
        {
            Tasks = [new() { Url = step }],
            Labels = new Dictionary<string, string> { ["flow"] = "nightly" },
        });
        Assert.Equal("nightly", created.Labels["flow"]);
        await Poll.UntilAsync(
            async () => (await _client.GetOrchestrationStatusAsync(created.Id)).Status == OrchestrationStatus.Failed, Timeout, "the orchestration to fail");

        var retried = await _client.RetryOrchestrationAsync(created.Id);
        Assert.NotEqual(OrchestrationStatus.Failed, retried.Status);

        // The step's target still answers 400: the step runs a second time and the orchestration fails again, keeping the first run.
        await Poll.UntilAsync(
            async () => (await _client.GetOrchestrationStatusAsync(created.Id)).Status == OrchestrationStatus.Failed, Timeout, "the retried orchestration to fail again");
        var failedAgain = await _client.GetOrchestrationAsync(created.Id);
        var previous = Assert.Single(failedAgain.PreviousRuns);
        Assert.Equal(OrchestrationFailureReason.TaskFailed, previous.FailureReason);
        Assert.Equal(0, previous.FailedStep.Index);
        Assert.NotEqual(previous.FailedStep.TaskId, failedAgain.Steps[0].TaskId);
        Assert.Equal(2, fixture.Target.CallsTo(step.ToString()).Count);

        var scheduled = await _client.ScheduleOrchestrationAsync(new OrchestrationDefinition { InitialDelay = TimeSpan.FromHours(1), Tasks = [new() { Url = step }] });
        await Assert.ThrowsAsync<TaskOrchestratorConflictException>(() => _client.RetryOrchestrationAsync(scheduled.Id));
        await _client.CancelOrchestrationAsync(scheduled.Id);
    }
}
