using TaskOrchestrator.Indexing;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Server.Endpoints;

/// <summary>
/// Tells, before any grain is activated, whether an id in a route may name a stored resource: an id this service minted
/// carries its tag and goes straight to its grain; any other (made up, or minted before tags existed) costs one storage
/// point read and is 404 when nothing is stored under it. A client cannot make the cluster activate grains, or write
/// anything, by asking for ids at random.
/// </summary>
public sealed class KnownIds(TaskIdMinter ids, ITaskIndex tasks, IOrchestrationIndex orchestrations)
{
    /// <summary>False when no task can exist under <paramref name="id"/>.</summary>
    public async ValueTask<bool> MayBeTaskAsync(Guid id, CancellationToken cancellationToken) =>
        ids.IsMinted(id) || await tasks.ExistsAsync(id, cancellationToken);

    /// <summary>False when no orchestration can exist under <paramref name="id"/>.</summary>
    public async ValueTask<bool> MayBeOrchestrationAsync(Guid id, CancellationToken cancellationToken) =>
        ids.IsMinted(id) || await orchestrations.ExistsAsync(id, cancellationToken);
}
