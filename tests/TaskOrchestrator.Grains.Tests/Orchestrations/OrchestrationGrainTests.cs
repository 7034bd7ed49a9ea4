using TaskOrchestrator.Grains.Tests.Tasks;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;
using static TaskOrchestrator.Grains.Tests.Orchestrations.TestOrchestrations;

namespace TaskOrchestrator.Grains.Tests.Orchestrations;

[Collection(TaskClusterCollection.Name)]
public sealed class OrchestrationGrainTests(TaskClusterFixture fixture)
{
    [Fact]
    public async Task Create_TwoStepsWhoseChecksPass_RunsThemInOrderAndCompletes()
    {
        var (first, second, check) = (fixture.Target.UrlFor(), fixture.Target.UrlFor(), fixture.Target.UrlFor());
        var grain = fixture.NewOrchestration();
        var startAt = TestTasks.In(300);
        var created = await grain.CreateOkAsync(Define(startAt, [first, second], Check(check)));
        Assert.Equal(OrchestrationStatus.Scheduled, created.Status);
        Assert.Equal([OrchestrationStepStatus.Pending, OrchestrationStepStatus.Pending], created.Steps.Select(s => s.Status));
        Assert.NotNull(created.Steps[0].TaskId);
        Assert.Null(created.Steps[1].TaskId);

        var done = await grain.WaitUntilFinalAsync();
        Assert.Equal(OrchestrationStatus.Completed, done.Status);
        Assert.Null(done.FailureReason);
        Assert.Equal(1, done.CurrentStep);
        Assert.All(done.Steps, s =>
        {
            Assert.Equal(OrchestrationStepStatus.Passed, s.Status);
            Assert.Equal(ScheduledTaskStatus.Completed, s.TaskStatus);
            Assert.True(Assert.Single(s.CheckAttempts).Passed);
        });

        var firstCall = Assert.Single(fixture.Target.CallsTo(first));
        var checkCalls = fixture.Target.CallsTo(check);
        var secondCall = Assert.Single(fixture.Target.CallsTo(second));
        Assert.Equal(2, checkCalls.Count);
        Assert.True(firstCall.ArrivedAt >= startAt, $"The first step ran early: {firstCall.ArrivedAt:O} < {startAt:O}");
        Assert.True(firstCall.ArrivedAt - startAt < TestTasks.Late, $"The first step ran {(firstCall.ArrivedAt - startAt).TotalMilliseconds} ms late");
        Assert.True(firstCall.ArrivedAt < checkCalls[0].ArrivedAt && checkCalls[0].ArrivedAt < secondCall.ArrivedAt && secondCall.ArrivedAt < checkCalls[1].ArrivedAt);
        Assert.Equal("GET", checkCalls[0].Method);

        // Each step's call is a real task, listed with its orchestration.
        var stepTask = await fixture.Cluster.Client.GetGrain<ITaskGrain>(done.Steps[1].TaskId!.Value).GetAsync();
        Assert.Equal(done.Id, stepTask!.OrchestrationId);
        var listed = await fixture.OrchestrationIndex.ListAsync(new ListingQuery<OrchestrationStatus>(TestTasks.Owner, OrchestrationStatus.Completed, 1000, null));
        Assert.Contains(listed.Items, o => o.Id == done.Id && o.StepCount == 2);
    }

    [Fact]
    public async Task Check_FailsThenPassesOnRetry_GoesOnAndRecordsEveryAttempt()
    {
        var (step, next, check) = (fixture.Target.UrlFor(), fixture.Target.UrlFor(), fixture.Target.UrlFor("fail-first/2"));
        var grain = fixture.NewOrchestration();
        var definition = Define(TestTasks.In(100), [step, next]) with { Steps = [new(step, "POST", null, null, Check(check, retries: 3, retryDelayMs: 150)), new(next, "POST", null, null)] };
        await grain.CreateOkAsync(definition);

        var done = await grain.WaitUntilFinalAsync();
        Assert.Equal(OrchestrationStatus.Completed, done.Status);
        Assert.Equal([false, false, true], done.Steps[0].CheckAttempts.Select(a => a.Passed));
        Assert.Equal([500, 500, 200], done.Steps[0].CheckAttempts.Select(a => a.StatusCode ?? 0));
        Assert.Empty(done.Steps[1].CheckAttempts);
        var calls = fixture.Target.CallsTo(check);
        Assert.Equal(3, calls.Count);
        Assert.True(calls[1].ArrivedAt - calls[0].ArrivedAt >= TimeSpan.FromMilliseconds(150), "The retry came before its delay");
        Assert.Single(fixture.Target.CallsTo(next));
    }

    [Fact]
    public async Task Check_NeverPasses_RunsFallbackAndFailsWithConditionNotMet()
    {
        var (step, next, check, fallback) = (fixture.Target.UrlFor(), fixture.Target.UrlFor(), fixture.Target.UrlFor("body/false"), fixture.Target.UrlFor());
        var grain = fixture.NewOrchestration();
        await grain.CreateOkAsync(Define(TestTasks.In(100), [step, next], Check(check, retries: 1, retryDelayMs: 50), fallback));

        var done = await grain.WaitUntilFinalAsync();
        Assert.Equal(OrchestrationStatus.Failed, done.Status);
        Assert.Equal(OrchestrationFailureReason.ConditionNotMet, done.FailureReason);
        Assert.Equal(OrchestrationStepStatus.ConditionNotMet, done.Steps[0].Status);
        Assert.Equal([(200, false), (200, false)], done.Steps[0].CheckAttempts.Select(a => (a.StatusCode ?? 0, a.Passed)));
        Assert.Equal(ScheduledTaskStatus.Completed, done.Steps[0].FallbackStatus);
        Assert.NotNull(done.Steps[0].FallbackTaskId);
        Assert.Single(fixture.Target.CallsTo(fallback));
        Assert.Empty(fixture.Target.CallsTo(next));
        Assert.Equal(OrchestrationStepStatus.Pending, done.Steps[1].Status);
    }

    [Fact]
    public async Task Task_Fails_FailsWithTaskFailedAndRunsNothingFurther()
    {
        var (step, next, check) = (fixture.Target.UrlFor("status/500"), fixture.Target.UrlFor(), fixture.Target.UrlFor());
        var grain = fixture.NewOrchestration();
        await grain.CreateOkAsync(Define(TestTasks.In(100), [step, next], Check(check), fixture.Target.UrlFor()));

        var done = await grain.WaitUntilFinalAsync();
        Assert.Equal(OrchestrationStatus.Failed, done.Status);
        Assert.Equal(OrchestrationFailureReason.TaskFailed, done.FailureReason);
        Assert.Equal(OrchestrationStepStatus.Failed, done.Steps[0].Status);
        Assert.Equal(ScheduledTaskStatus.Failed, done.Steps[0].TaskStatus);
        await SentinelAsync();
        Assert.Single(fixture.Target.CallsTo(step));
        Assert.Empty(fixture.Target.CallsTo(check));
        Assert.Empty(fixture.Target.CallsTo(next));
    }

    [Fact]
    public async Task Cancel_BeforeStart_CancelsTheFirstTaskAndRunsNothing()
    {
        var step = fixture.Target.UrlFor();
        var grain = fixture.NewOrchestration();
        var created = await grain.CreateOkAsync(Define(TestTasks.In(400), [step, fixture.Target.UrlFor()]));

        var result = await grain.CancelAsync();
        Assert.Equal(TaskCommandOutcome.Ok, result.Outcome);
        Assert.Equal(OrchestrationStatus.Cancelled, result.Orchestration!.Status);
        var task = await fixture.Cluster.Client.GetGrain<ITaskGrain>(created.Steps[0].TaskId!.Value).GetAsync();
        Assert.Equal(ScheduledTaskStatus.Cancelled, task!.Status);
        Assert.Equal(TaskCommandOutcome.Ok, (await grain.CancelAsync()).Outcome);
        Assert.Equal(TaskCommandOutcome.Conflict, (await grain.ModifyAsync(new OrchestrationChange(TestTasks.In(100), null, null, null))).Outcome);

        await SentinelAsync(600);
        Assert.Empty(fixture.Target.CallsTo(step));
        Assert.Equal(OrchestrationStatus.Cancelled, (await grain.GetAsync())!.Status);
    }

    [Fact]
    public async Task Cancel_WhileRunning_LetsTheCallFinishAndRunsNoFurtherStep()
    {
        var (slow, next) = (fixture.Target.UrlFor("slow/3000"), fixture.Target.UrlFor());
        var grain = fixture.NewOrchestration();
        await grain.CreateOkAsync(Define(TestTasks.In(50), [slow, next]));
        await fixture.Target.WaitForCallsAsync(slow);

        var result = await grain.CancelAsync();
        Assert.Equal(TaskCommandOutcome.Ok, result.Outcome);
        Assert.Equal(OrchestrationStatus.Cancelled, result.Orchestration!.Status);

        var done = await grain.WaitUntilFinalAsync();
        Assert.Equal(OrchestrationStatus.Cancelled, done.Status);
        Assert.Equal(ScheduledTaskStatus.Completed, done.Steps[0].TaskStatus);
        await SentinelAsync();
        Assert.Empty(fixture.Target.CallsTo(next));
        Assert.Equal(OrchestrationStepStatus.Pending, (await grain.GetAsync())!.Steps[1].Status);
    }

    [Fact]
    public async Task Modify_BeforeStart_RunsTheNewDefinitionAtTheNewTime()
    {
        var (old, replacement) = (fixture.Target.UrlFor(), fixture.Target.UrlFor());
        var grain = fixture.NewOrchestration();
        var created = await grain.CreateOkAsync(Define(TestTasks.In(60_000), [old]));

        var startAt = TestTasks.In(300);
        var result = await grain.ModifyAsync(new OrchestrationChange(startAt, [new(replacement, "PUT", null, "{}")], null, null));
        Assert.Equal(TaskCommandOutcome.Ok, result.Outcome);
        Assert.Equal(startAt, result.Orchestration!.StartAt);
        Assert.Equal(replacement, result.Orchestration.Steps[0].Url);
        Assert.NotEqual(created.Steps[0].TaskId, result.Orchestration.Steps[0].TaskId);

        var call = Assert.Single(await fixture.Target.WaitForCallsAsync(replacement));
        Assert.True(call.ArrivedAt >= startAt, "The modified orchestration started early");
        Assert.Equal("PUT", call.Method);
        Assert.Equal(OrchestrationStatus.Completed, (await grain.WaitUntilFinalAsync()).Status);
        var replaced = await fixture.Cluster.Client.GetGrain<ITaskGrain>(created.Steps[0].TaskId!.Value).GetAsync();
        Assert.Equal(ScheduledTaskStatus.Cancelled, replaced!.Status);
        Assert.Empty(fixture.Target.CallsTo(old));
    }

    [Fact]
    public async Task Modify_StartOnly_MovesTheFirstTask()
    {
        var step = fixture.Target.UrlFor();
        var grain = fixture.NewOrchestration();
        var created = await grain.CreateOkAsync(Define(TestTasks.In(60_000), [step]));

        var startAt = TestTasks.In(200);
        var result = await grain.ModifyAsync(new OrchestrationChange(startAt, null, null, null));
        Assert.Equal(created.Steps[0].TaskId, result.Orchestration!.Steps[0].TaskId);
        var call = Assert.Single(await fixture.Target.WaitForCallsAsync(step));
        Assert.True(call.ArrivedAt >= startAt, "The moved orchestration started early");
        Assert.Equal(OrchestrationStatus.Completed, (await grain.WaitUntilFinalAsync()).Status);
    }

    [Fact]
    public async Task Modify_AfterStart_Conflicts()
    {
        var slow = fixture.Target.UrlFor("slow/3000"); // long enough that the modify lands while it runs, even on a loaded machine
        var grain = fixture.NewOrchestration();
        await grain.CreateOkAsync(Define(TestTasks.In(50), [slow, fixture.Target.UrlFor()]));
        await fixture.Target.WaitForCallsAsync(slow);

        var result = await grain.ModifyAsync(new OrchestrationChange(TestTasks.In(10_000), null, null, null));
        Assert.Equal(TaskCommandOutcome.Conflict, result.Outcome);
        Assert.Equal(OrchestrationStatus.Running, result.Orchestration!.Status);
        Assert.Equal(OrchestrationStatus.Completed, (await grain.WaitUntilFinalAsync()).Status);
        Assert.Equal(TaskCommandOutcome.Conflict, (await grain.CancelAsync()).Outcome);
    }

    [Fact]
    public async Task Create_TakenIdOrUnknownId_ConflictsOrIsMissing()
    {
        var grain = fixture.NewOrchestration();
        Assert.Null(await grain.GetAsync());
        Assert.Equal(TaskCommandOutcome.NotFound, (await grain.CancelAsync()).Outcome);
        var definition = Define(TestTasks.In(60_000), [fixture.Target.UrlFor()]);
        await grain.CreateOkAsync(definition);
        Assert.Equal(TaskCommandOutcome.Conflict, (await grain.CreateAsync(definition)).Outcome);
        await grain.CancelAsync();
    }

    /// <summary>Waits for a standalone task due <paramref name="delayMs"/> from now: whatever was due before it has had its turn.</summary>
    private async Task SentinelAsync(int delayMs = 300)
    {
        var url = fixture.Target.UrlFor();
        await fixture.NewTask().ScheduleAsync(TestTasks.Post(url, TestTasks.In(delayMs)));
        await fixture.Target.WaitForCallsAsync(url);
    }
}
