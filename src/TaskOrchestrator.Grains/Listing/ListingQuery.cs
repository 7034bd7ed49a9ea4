namespace TaskOrchestrator.Listing;

/// <summary>What to list: one page of a listing of resources (tasks, orchestrations, …), newest first.</summary>
/// <typeparam name="TStatus">The resources' status enum.</typeparam>
/// <param name="Owner">Only this subject's resources; null for every owner's.</param>
/// <param name="Status">Only resources in this status; null for all.</param>
/// <param name="Limit">The page size.</param>
/// <param name="After">The cursor of the previous page (its <see cref="ListingPage{TItem}.Next"/>), or null for the first.</param>
/// <param name="Group">
/// Only the resources in this listing group of the owner's (see <see cref="ListingKeys"/>, e.g. a schedule's runs);
/// needs <paramref name="Owner"/>, excludes <paramref name="Status"/>.
/// </param>
/// <param name="Labels">
/// Only the resources carrying every one of these labels (with <paramref name="Status"/> if given); needs
/// <paramref name="Owner"/>. The rows of the first label are read and the others checked on each item, so a page may hold
/// fewer items than <paramref name="Limit"/> and still have a next one: put the rarest label first.
/// </param>
public sealed record ListingQuery<TStatus>(
    string? Owner, TStatus? Status, int Limit, string? After, string? Group = null, IReadOnlyList<KeyValuePair<string, string>>? Labels = null)
    where TStatus : struct, Enum;
