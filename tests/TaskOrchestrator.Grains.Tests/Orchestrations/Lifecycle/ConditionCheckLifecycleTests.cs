using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Orchestrations.Lifecycle;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Orchestrations.Lifecycle;

/// <summary>Every transition of a condition check, legal and illegal, on a fake clock: no cluster, no storage.</summary>
public sealed class ConditionCheckLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid OrchestrationId = Guid.CreateVersion7(Start);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly ConditionCheckLifecycle _check;
    private readonly Queue<Guid> _ids = new(Enumerable.Range(1, 10).Select(i => Guid.CreateVersion7(Start.AddSeconds(i))));

    public ConditionCheckLifecycleTests() => _check = new ConditionCheckLifecycle(_time);

    [Fact]
    public void Start_New_TakesTheRequestWithItsFirstAttemptDueAtTheRequestedTime()
    {
        Assert.True(_check.Start(Request(retries: 2), _ids.Dequeue));

        Assert.True(_check.Checking);
        Assert.Equal(Start.AddSeconds(5), _check.State.AttemptDueAt);
        Assert.NotNull(_check.State.AttemptTaskId);
    }

    [Fact]
    public void Start_Again_ChangesNothingSoTheSameAttemptIsFound()
    {
        _check.Start(Request(), _ids.Dequeue);
        var attempt = _check.State.AttemptTaskId;

        Assert.False(_check.Start(Request(), _ids.Dequeue));
        Assert.Equal(attempt, _check.State.AttemptTaskId);
    }

    [Fact]
    public void AttemptTask_CurrentAttempt_CallsTheCheckUrlForTheOwnerAtItsDueTime()
    {
        _check.Start(Request(), _ids.Dequeue);

        var task = _check.AttemptTask(GrainId.Create("check", "c1"));

        Assert.Equal(("alice", "https://example.com/check", "GET", Start.AddSeconds(5), OrchestrationId), (task.Owner, task.Url, task.Method, task.DueAt, task.OrchestrationId));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData(null, true)]
    [InlineData(" false \n", false)]
    public void TakeOutcome_2xxAnswer_PassesUnlessTheBodyIsTheJsonLiteralFalse(string? body, bool passes)
    {
        _check.Start(Request(retries: 0), _ids.Dequeue);

        var ended = _check.TakeOutcome(Attempt(ScheduledTaskStatus.Completed, 200, body), _ids.Dequeue, out var passed);

        Assert.True(ended);
        Assert.Equal(passes, passed);
        Assert.Equal(passes ? ConditionCheckStatus.Passed : ConditionCheckStatus.NotMet, _check.State.Status);
        Assert.Null(_check.State.AttemptTaskId);
    }

    [Fact]
    public void TakeOutcome_NotPassedWithRetriesLeft_NextAttemptAfterTheRetryDelay()
    {
        _check.Start(Request(retries: 2), _ids.Dequeue);
        var first = _check.State.AttemptTaskId;

        var ended = _check.TakeOutcome(Attempt(ScheduledTaskStatus.Failed, 503, null, finishedAt: Start.AddSeconds(6)), _ids.Dequeue, out _);

        Assert.False(ended);
        Assert.True(_check.Checking);
        Assert.NotEqual(first, _check.State.AttemptTaskId);
        Assert.Equal(Start.AddSeconds(6) + TimeSpan.FromSeconds(2), _check.State.AttemptDueAt);
        Assert.Single(_check.State.Attempts);
    }

    [Fact]
    public void TakeOutcome_LastRetryFails_EndsNotMet()
    {
        _check.Start(Request(retries: 1), _ids.Dequeue);
        _check.TakeOutcome(Attempt(ScheduledTaskStatus.Completed, 200, "false"), _ids.Dequeue, out _);

        Assert.True(_check.TakeOutcome(Attempt(ScheduledTaskStatus.Completed, 200, "false"), _ids.Dequeue, out _));
        Assert.Equal(ConditionCheckStatus.NotMet, _check.State.Status);
        Assert.Equal(2, _check.State.Attempts.Count);
    }

    [Fact]
    public void Awaits_OnlyTheCurrentAttemptOnceFinishedWhileChecking()
    {
        _check.Start(Request(), _ids.Dequeue);
        var current = _check.State.AttemptTaskId!.Value;

        Assert.True(_check.Awaits(Attempt(ScheduledTaskStatus.Failed, 500, null, id: current)));
        Assert.False(_check.Awaits(Attempt(ScheduledTaskStatus.Running, null, null, id: current)));
        Assert.False(_check.Awaits(Attempt(ScheduledTaskStatus.Completed, 200, null, id: Guid.NewGuid())));
        _check.Cancel();
        Assert.False(_check.Awaits(Attempt(ScheduledTaskStatus.Completed, 200, null, id: current)));
    }

    [Fact]
    public void Cancel_Checking_StopsTheCurrentAttemptAndEnds()
    {
        _check.Start(Request(), _ids.Dequeue);
        var attempt = _check.State.AttemptTaskId;

        Assert.Equal(attempt, _check.AttemptToCancel);
        Assert.True(_check.Cancel());
        Assert.Equal(ConditionCheckStatus.Cancelled, _check.State.Status);
        Assert.Null(_check.AttemptToCancel);
    }

    [Fact]
    public void Cancel_NotStartedOrEnded_NothingToStop()
    {
        Assert.False(_check.Cancel());
        _check.Start(Request(retries: 0), _ids.Dequeue);
        _check.TakeOutcome(Attempt(ScheduledTaskStatus.Completed, 200, null), _ids.Dequeue, out _);

        Assert.False(_check.Cancel());
        Assert.Equal(ConditionCheckStatus.Passed, _check.State.Status);
    }

    [Fact]
    public void Snapshot_NotStarted_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => _check.Snapshot(Guid.NewGuid()));
    }

    private static ConditionCheckRequest Request(int retries = 1) =>
        new(OrchestrationId, 0, "alice", new ConditionCheckDefinition("https://example.com/check", "GET", TimeSpan.FromSeconds(5), retries, TimeSpan.FromSeconds(2)), Start.AddSeconds(5));

    private TaskSnapshot Attempt(ScheduledTaskStatus status, int? code, string? body, DateTimeOffset? finishedAt = null, Guid? id = null) =>
        new(id ?? _check.State.AttemptTaskId ?? Guid.NewGuid(), "alice", "https://example.com/check", "GET", Start, Start.AddSeconds(5), status, 1, Start.AddSeconds(5),
            finishedAt ?? Start.AddSeconds(5), code is null && body is null ? null : new TaskResponse(code, body, null));
}
