using Azure.Core;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Storage.Transactions;

namespace TaskOrchestrator.Storage;

/// <summary>Creates the Azure Table clients of this process, all counted by <see cref="StorageCallCounter"/>.</summary>
public static class StorageClients
{
    // The transaction sender of each client made from a connection string with an account key (see StorageOptions.DirectTransactions).
    private static readonly ConditionalWeakTable<TableServiceClient, TableTransactionSender> Senders = [];

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
        var client = new TableServiceClient(connectionString, options);
        if (storage.DirectTransactions && SharedKeyConnection.TryParse(connectionString, out var account, out var key))
        {
            Senders.AddOrUpdate(client, new TableTransactionSender(client.Uri, account, key, storage));
        }

        return client;
    }

    /// <summary>
    /// What sends the entity-group transactions of tables reached through <paramref name="tables"/>: our own sender when
    /// the client was made here from a connection string with an account key; null (the Azure SDK) otherwise.
    /// </summary>
    internal static TableTransactionSender? TransactionSenderFor(TableServiceClient tables) =>
        Senders.TryGetValue(tables, out var sender) ? sender : null;
}
