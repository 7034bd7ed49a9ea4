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

/// <summary>A task whose creation is not stored is never called: on its own silo, whose task store fails some writes slowly.</summary>
public sealed class TaskGrainStoreFailureTests : IAsyncLifetime
{
    private const string FailingPrefix = "store-fails";
    private InProcessTestCluster _cluster = null!;
    private RecordingTarget _target = null!;

    [Fact]
    public async Task ScheduleAsync_WhenTheWriteFailsAfterTheDueTime_NeverCallsTheTarget()
    {
        // Due long before the write fails: a timer armed before the write would already have made the call.
        var url = _target.UrlFor(FailingPrefix);
        var dueAt = In(20);
        var grain = _cluster.Client.GetGrain<ITaskGrain>(Guid.CreateVersion7());

        await Assert.ThrowsAnyAsync<Exception>(() => grain.ScheduleAsync(Post(url, dueAt)));

        // The reminder registered before the failed write ticks after the grace; a sentinel due after that tick is
        // called only once the failed task had every chance to be called too.
        var sentinel = _target.UrlFor("ok");
        await _cluster.Client.GetGrain<ITaskGrain>(Guid.CreateVersion7()).ScheduleAsync(Post(sentinel, dueAt + TimeSpan.FromSeconds(3)));
        await _target.WaitForCallsAsync(sentinel, 1, Wait);
        Assert.Empty(_target.CallsTo(url));
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _target = await RecordingTarget.StartAsync();
        _cluster = await TaskClusterFixture.DeployAsync(silo =>
        {
            silo.Services.AddSingleton(sp => new InMemoryTaskStorage(sp.GetRequiredService<Serializer>(), sp.GetRequiredService<TaskIdMinter>()));
            silo.Services.AddSingleton<ITaskIndex>(sp => sp.GetRequiredService<InMemoryTaskStorage>());
            silo.Services.AddGrainStorage(StorageNames.Tasks, (sp, _) => new FailingAfterDueTime(sp.GetRequiredService<InMemoryTaskStorage>()));
        });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _target.DisposeAsync();
    }

    /// <summary>
    /// Fails every write of a task whose URL has <see cref="FailingPrefix"/>, once the task's due time (plus the time a
    /// call takes to reach the target) has passed: the latency of a slow store, made certain to outlast the due time.
    /// Passes the rest on.
    /// </summary>
    private sealed class FailingAfterDueTime(InMemoryTaskStorage inner) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (grainState.State is TaskGrainState { Definition: { } task } && task.Url.Contains(FailingPrefix, StringComparison.Ordinal))
            {
                var pastDue = task.DueAt + TimeSpan.FromMilliseconds(250) - DateTimeOffset.UtcNow;
                if (pastDue > TimeSpan.Zero)
                {
                    await Task.Delay(pastDue);
                }

                throw new InvalidOperationException("The task store is failing this write (test).");
            }

            await inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
