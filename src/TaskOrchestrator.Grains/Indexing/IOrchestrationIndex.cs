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
    /// statuses and of the <paramref name="staleLabels"/> it may still have rows for (see <see cref="StatusSet"/> and
    /// <see cref="LabelRows"/>).
    /// </summary>
    Task UpsertAsync(OrchestrationSummary summary, StatusSet stale, IEnumerable<string>? staleLabels = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every listing row of one orchestration: those of the <paramref name="statuses"/> and its current one, of
    /// its labels and of the <paramref name="staleLabels"/>.
    /// </summary>
    Task RemoveAsync(OrchestrationSummary summary, StatusSet statuses, IEnumerable<string>? staleLabels = null, CancellationToken cancellationToken = default);
}
