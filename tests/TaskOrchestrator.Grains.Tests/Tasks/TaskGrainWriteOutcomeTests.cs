using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;
using static TaskOrchestrator.Grains.Tests.Tasks.TestTasks;

namespace TaskOrchestrator.Grains.Tests.Tasks;

/// <summary>
/// What a task does when its writes do not simply succeed: storage refuses a row for its size (Azurite does not enforce
/// the limits, so the store here refuses), the listing rows are not written, or the final write is slow and fails while
/// the reminder ticks. On a silo of its own whose reminder ticks every second.
/// </summary>
public sealed class TaskGrainWriteOutcomeTests : IAsyncLifetime
{
    private const string RefuseResponses = "refuse-response";
    private const string ListingBehind = "listing-behind";
    private const string SlowFinal = "slow-final";
    private InProcessTestCluster _cluster = null!;
    private RecordingTarget _target = null!;
    private ScriptedStore _store = null!;

    [Fact]
    public async Task RunAttempt_StorageRefusesTheRecordForItsSize_EndsWithAShortReasonAndIsNotCalledAgain()
    {
        var url = _target.UrlFor(RefuseResponses);
        var grain = NewTask();

        await grain.ScheduleAsync(Post(url, In(100)));
        await WaitUntilStoredFinalAsync(grain);
        var task = (await grain.GetAsync())!;

        Assert.Equal(ScheduledTaskStatus.Completed, task.Status);
        Assert.Equal(TaskGrainState.CompactedError, task.Response?.Error);
        Assert.Null(task.Response?.Body);
        await AssertNoFurtherCallsAsync(url, expected: 1);
    }

    [Fact]
    public async Task RunAttempt_RetryRefusedForItsSize_EndsFailedInsteadOfRetrying()
    {
        var url = _target.UrlFor($"status/503/{RefuseResponses}");
        var retry = new DeliveryPolicy(new RetryPolicy(5, TimeSpan.FromMilliseconds(300), 1, TimeSpan.FromMilliseconds(300), 0, RetryPolicy.DefaultRetryOn), TimeSpan.FromSeconds(5));
        var grain = NewTask();

        await grain.ScheduleAsync(Post(url, In(100)) with { Delivery = retry });
        await WaitUntilStoredFinalAsync(grain);
        var task = (await grain.GetAsync())!;

        Assert.Equal(ScheduledTaskStatus.Failed, task.Status);
        Assert.Equal(TaskGrainState.CompactedError, task.Response?.Error);
        Assert.Null(task.NextAttemptAt);
        await AssertNoFurtherCallsAsync(url, expected: 1);
    }

    [Fact]
    public async Task RunAttempt_FinalListingWriteFails_TheReminderWritesTheTaskAgain()
    {
        var url = _target.UrlFor(ListingBehind);
        var grain = NewTask();

        await grain.ScheduleAsync(Post(url, In(100)));
        var task = await grain.WaitUntilFinalAsync();

        // The first final write stored the state but not its listing rows; the reminder must still be there to write it again.
        await Poll.UntilAsync(() => _store.FinalWrites(task.Id) >= 2, Wait, "a second write of the finished task, from its reminder");
        Assert.Single(_target.CallsTo(url));
    }

    [Fact]
    public async Task RunAttempt_ReminderTicksWhileTheFinalWriteIsInFlightAndItFails_TheTaskIsStoredFinishedLater()
    {
        var url = _target.UrlFor(SlowFinal);
        var grain = NewTask();

        await grain.ScheduleAsync(Post(url, In(100)));
        await _target.WaitForCallsAsync(url, 1, Wait);

        // The final write takes 3 s and fails; reminder ticks come every second meanwhile. Had one of them removed the
        // reminder, nothing would write the outcome again and the stored task would stay unfinished.
        var stored = await Poll.UntilAsync(() => _store.ReadStoredAsync(grain.GetPrimaryKey()), s => s?.Status == ScheduledTaskStatus.Completed, Wait, "the finished task to be stored");
        Assert.Equal(ScheduledTaskStatus.Completed, stored!.Status);
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _target = await RecordingTarget.StartAsync();
        _cluster = await TaskClusterFixture.DeployAsync(silo =>
        {
            silo.Services.Configure<TaskSchedulingOptions>(o =>
            {
                o.ReminderPeriod = TimeSpan.FromSeconds(1);
                o.ReminderGrace = TimeSpan.FromMilliseconds(500);
                o.WakeLead = TimeSpan.FromSeconds(2);
            });
            silo.Services.AddSingleton(sp => new InMemoryTaskStorage(sp.GetRequiredService<Serializer>(), sp.GetRequiredService<TaskIdMinter>()));
            silo.Services.AddSingleton<ITaskIndex>(sp => sp.GetRequiredService<InMemoryTaskStorage>());
            silo.Services.AddSingleton<ScriptedStore>();
            silo.Services.AddGrainStorage(StorageNames.Tasks, (sp, _) => sp.GetRequiredService<ScriptedStore>());
        });
        _store = _cluster.GetSiloServiceProvider().GetRequiredService<ScriptedStore>();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _target.DisposeAsync();
    }

    private async Task WaitUntilStoredFinalAsync(ITaskGrain grain) =>
        await Poll.UntilAsync(() => _store.ReadStoredAsync(grain.GetPrimaryKey()), s => s?.Status.IsFinal() == true, Wait, "the task to be stored finished");

    private ITaskGrain NewTask() => _cluster.Client.GetGrain<ITaskGrain>(Guid.CreateVersion7());

    // Waits past the retries and reminder ticks that would have come, then counts the calls.
    private async Task AssertNoFurtherCallsAsync(string url, int expected)
    {
        var sentinel = _target.UrlFor("ok");
        await NewTask().ScheduleAsync(Post(sentinel, In(3_000)));
        await _target.WaitForCallsAsync(sentinel, 1, Wait);
        Assert.Equal(expected, _target.CallsTo(url).Count);
    }

    /// <summary>The in-memory task store, with faults chosen by a marker in the task's URL.</summary>
    private sealed class ScriptedStore(InMemoryTaskStorage inner) : IGrainStorage
    {
        private readonly ConcurrentDictionary<Guid, int> _finalWrites = new();
        private readonly ConcurrentDictionary<Guid, bool> _failedOnce = new();

        public int FinalWrites(Guid id) => _finalWrites.GetValueOrDefault(id);

        public async Task<TaskGrainState?> ReadStoredAsync(Guid id)
        {
            var holder = new GrainState<TaskGrainState>();
            await inner.ReadStateAsync("task", Storage.StoredTasks.GrainIdOf(id), holder);
            return holder.RecordExists ? holder.State : null;
        }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var task = (TaskGrainState)(object)grainState.State!;
            var url = task.Definition!.Url;
            var id = grainId.GetGuidKey();
            if (url.Contains(RefuseResponses, StringComparison.Ordinal) && task.Response is { } response && response.Error != TaskGrainState.CompactedError)
            {
                throw new RowTooLargeException("The row is too large (test).");
            }

            var final = task.Status.IsFinal();
            if (final && url.Contains(SlowFinal, StringComparison.Ordinal) && _failedOnce.TryAdd(id, true))
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
                throw new TimeoutException("The final write timed out (test).");
            }

            await inner.WriteStateAsync(stateName, grainId, grainState);
            if (final)
            {
                var writes = _finalWrites.AddOrUpdate(id, 1, (_, n) => n + 1);
                if (writes == 1 && url.Contains(ListingBehind, StringComparison.Ordinal))
                {
                    throw new ListingWriteException("The listing rows were not written (test).");
                }
            }
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
