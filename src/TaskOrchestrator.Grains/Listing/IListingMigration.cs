namespace TaskOrchestrator.Listing;

/// <summary>A store that keeps listing rows and can write them for resources stored before they existed.</summary>
public interface IListingMigration
{
    /// <summary>What the store holds, for logs ("tasks", "orchestrations").</summary>
    string Kind { get; }

    /// <summary>
    /// Writes the listing rows of every resource stored without them, once: a store that finished records it and does
    /// nothing on later calls. Safe to run on several silos at once and beside live writes. Returns how many it wrote.
    /// </summary>
    Task<int> MigrateListingsAsync(CancellationToken cancellationToken);
}
