namespace TaskOrchestrator.Listing;

/// <summary>
/// The listing of one kind of resource, newest first. Grain state cannot be queried, so each kind keeps, beside its
/// grains' state, rows a listing reads (see <see cref="ListingKeys"/>).
/// </summary>
/// <typeparam name="TItem">What the listing shows of each resource.</typeparam>
/// <typeparam name="TStatus">The resources' status enum.</typeparam>
public interface IListing<TItem, TStatus>
    where TStatus : struct, Enum
{
    /// <summary>One page of resources, newest first.</summary>
    Task<ListingPage<TItem>> ListAsync(ListingQuery<TStatus> query, CancellationToken cancellationToken = default);

    /// <summary>True when a resource is stored under <paramref name="id"/>: one point read, no grain activated.</summary>
    Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default);
}
