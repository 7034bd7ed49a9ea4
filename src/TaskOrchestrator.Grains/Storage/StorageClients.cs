using Azure.Core;
using Azure.Data.Tables;
using TaskOrchestrator.Hosting;

namespace TaskOrchestrator.Storage;

/// <summary>Creates the Azure Table clients of this process, all counted by <see cref="StorageCallCounter"/>.</summary>
public static class StorageClients
{
    /// <summary>A table service client for <paramref name="connectionString"/>, with the timeouts and retries of <paramref name="storage"/>.</summary>
    public static TableServiceClient CreateTableServiceClient(string connectionString, StorageOptions? storage = null)
    {
        storage ??= new StorageOptions();
        var options = new TableClientOptions();
        options.AddPolicy(StorageCallCounter.Instance, HttpPipelinePosition.PerRetry);

        // The SDK's defaults (100 s per try, 3 retries from 0.8 s) would hold a request for minutes when storage is
        // gone; bounded ones let the API answer 503 within seconds and let the silo's own storage calls fail fast.
        options.Retry.NetworkTimeout = storage.RequestTimeout;
        options.Retry.MaxRetries = storage.MaxRetries;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(250);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        return new TableServiceClient(connectionString, options);
    }
}
