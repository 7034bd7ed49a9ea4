namespace TaskOrchestrator.Client.Orchestrations;

/// <summary>An orchestration in a listing: its progress without its steps.</summary>
/// <param name="Id">The orchestration's id.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="StartAt">When its first step is due.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="FailureReason">Why it failed; null unless Failed.</param>
/// <param name="TaskCount">How many steps it has.</param>
/// <param name="FinishedAt">When it reached its final status.</param>
/// <param name="Labels">Its labels.</param>
public sealed record OrchestrationSummary(
    Guid Id, DateTimeOffset CreatedAt, DateTimeOffset StartAt, OrchestrationStatus Status, OrchestrationFailureReason? FailureReason, int TaskCount, DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, string>? Labels = null)
{
    /// <summary>Once finished: when it is removed with its step tasks (then the service answers 404 for it).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
