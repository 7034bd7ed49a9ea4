namespace TaskOrchestrator.Listing;

/// <summary>One page of a listing.</summary>
/// <typeparam name="TItem">What the listing shows of each resource.</typeparam>
/// <param name="Items">The resources, newest first.</param>
/// <param name="Next">The cursor for the next page, or null when no more remain.</param>
public sealed record ListingPage<TItem>(IReadOnlyList<TItem> Items, string? Next);
