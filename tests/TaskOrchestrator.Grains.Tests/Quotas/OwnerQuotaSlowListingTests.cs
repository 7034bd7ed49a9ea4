using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using TaskOrchestrator.Grains.Tests.Tasks;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Quotas;

/// <summary>The owner's count when the listing is slow (as a large table on real storage is): no create waits for it.</summary>
public sealed class OwnerQuotaSlowListingTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TaskClusterFixture.DeployAsync(silo =>
    {
        silo.AddInMemoryTaskStorage();
        silo.Services.AddSingleton<ITaskIndex>(sp => new GatedIndex((InMemoryTaskStorage)sp.GetRequiredKeyedService<IGrainStorage>(StorageNames.Tasks)));
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task TryReserveAsync_WhileTheFirstCountReads_AdmitsAtOnceAndTakesTheCountWhenItIsIn()
    {
        var owner = $"owner-{Guid.NewGuid():N}";
        var task = _cluster.Client.GetGrain<ITaskGrain>(Guid.CreateVersion7());
        Assert.Equal(TaskCommandOutcome.Ok, (await task.ScheduleAsync(TestTasks.Post("http://127.0.0.1:9/x", DateTimeOffset.UtcNow.AddDays(1), owner))).Outcome);
        var gate = (GatedIndex)_cluster.GetSiloServiceProvider().GetRequiredService<ITaskIndex>();
        var quota = _cluster.Client.GetGrain<IOwnerQuotaGrain>(OwnerQuotaKey.For(owner));

        // The listing does not answer: the first reservations are admitted against what the grain has seen (nothing).
        Assert.Equal(new PendingAdmission(true, 1), await quota.TryReserveAsync(owner, PendingKind.Task, 2).WaitAsync(TestTasks.Wait));
        Assert.Equal(new PendingAdmission(true, 2), await quota.TryReserveAsync(owner, PendingKind.Task, 2));

        // Once it answers, the count from the listing (the one task) replaces it.
        gate.Open();
        await Poll.UntilAsync(
            async () => (await quota.TryReserveAsync(owner, PendingKind.Task, 2)).Admitted, TestTasks.Wait,
            "a place to be free once the count found one pending task under a cap of two");

        // The count goes on from there: with a second task, the owner is at its cap.
        var second = _cluster.Client.GetGrain<ITaskGrain>(Guid.CreateVersion7());
        Assert.Equal(TaskCommandOutcome.Ok, (await second.ScheduleAsync(TestTasks.Post("http://127.0.0.1:9/x", DateTimeOffset.UtcNow.AddDays(1), owner))).Outcome);
        Assert.Equal(new PendingAdmission(false, 2), await quota.TryReserveAsync(owner, PendingKind.Task, 2));
    }

    /// <summary>The in-memory listing, answering only once <see cref="Open"/> was called.</summary>
    private sealed class GatedIndex(ITaskIndex inner) : ITaskIndex
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public async Task<ListingPage<TaskSnapshot>> ListAsync(ListingQuery<ScheduledTaskStatus> query, CancellationToken cancellationToken = default)
        {
            await _open.Task.WaitAsync(cancellationToken);
            return await inner.ListAsync(query, cancellationToken);
        }

        public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default) => inner.ExistsAsync(id, cancellationToken);

    }
}
