using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskOrchestrator.Listing;

/// <summary>
/// On start, has each store write the listing rows of what it holds from before listing rows existed (see
/// <see cref="IListingMigration"/>). Runs in the background: the silo serves at once, and such resources are read,
/// run and changed as before meanwhile; only their listings wait for it. Retries until it succeeds.
/// </summary>
internal sealed partial class ListingMigration(IEnumerable<IListingMigration> stores, TimeProvider time, ILogger<ListingMigration> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var store in stores)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var written = await store.MigrateListingsAsync(stoppingToken);
                    if (written > 0)
                    {
                        LogMigrated(store.Kind, written);
                    }

                    break;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    LogRetrying(store.Kind, RetryDelay.TotalSeconds, e);
                    await Task.Delay(RetryDelay, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Wrote the listing rows of {Count} {Kind} stored before listing rows existed")]
    private partial void LogMigrated(string kind, int count);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Writing the listing rows of {Kind} stored before listing rows existed failed; retrying in {Seconds} s")]
    private partial void LogRetrying(string kind, double seconds, Exception exception);
}
