using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;

namespace TaskOrchestrator.Indexing;

/// <summary>
/// Lists orchestrations, newest first. Their grain state cannot be queried, so each orchestration grain writes its
/// summary here on every status change, after its state is stored.
/// </summary>
public interface IOrchestrationIndex : IListing<OrchestrationSummary, OrchestrationStatus>
{
    /// <summary>
    /// Writes (or replaces) the listing rows of one orchestration, and deletes those of the <paramref name="stale"/>
    /// statuses it may still have rows for (see <see cref="StatusSet"/>).
    /// </summary>
    Task UpsertAsync(OrchestrationSummary summary, StatusSet stale, CancellationToken cancellationToken = default);

    /// <summary>Deletes every listing row of one orchestration (those of the <paramref name="statuses"/> and its current one).</summary>
    Task RemoveAsync(OrchestrationSummary summary, StatusSet statuses, CancellationToken cancellationToken = default);
}
