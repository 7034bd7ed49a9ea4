using TaskOrchestrator.Orchestrations;

namespace TaskOrchestrator.Indexing;

/// <summary>What to list.</summary>
/// <param name="Owner">Only this subject's orchestrations; null for every owner's.</param>
/// <param name="Status">Only orchestrations in this status; null for all.</param>
/// <param name="Limit">The page size.</param>
/// <param name="After">The cursor of the previous page (its <see cref="OrchestrationPage.Next"/>), or null for the first.</param>
public sealed record OrchestrationQuery(string? Owner, OrchestrationStatus? Status, int Limit, string? After);

/// <summary>One page of a listing.</summary>
/// <param name="Items">The orchestrations, newest first.</param>
/// <param name="Next">The cursor for the next page, or null when no more remain.</param>
public sealed record OrchestrationPage(IReadOnlyList<OrchestrationSummary> Items, string? Next);
