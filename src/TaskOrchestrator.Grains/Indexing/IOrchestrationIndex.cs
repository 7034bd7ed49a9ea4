using TaskOrchestrator.Orchestrations;

namespace TaskOrchestrator.Indexing;

/// <summary>
/// Lists orchestrations, newest first. Their grain state cannot be queried, so each orchestration grain upserts its
/// summary here on every status change, before the call that changed it returns.
/// </summary>
public interface IOrchestrationIndex
{
    /// <summary>Writes (or replaces) the listing row of one orchestration.</summary>
    Task UpsertAsync(OrchestrationSummary summary, CancellationToken cancellationToken = default);

    /// <summary>One page of orchestrations, newest first.</summary>
    Task<OrchestrationPage> ListAsync(OrchestrationQuery query, CancellationToken cancellationToken = default);
}
