using Azure.Core;
using Azure.Data.Tables;

namespace TaskOrchestrator.Storage;

/// <summary>Creates the Azure Table clients of this process, all counted by <see cref="StorageCallCounter"/>.</summary>
public static class StorageClients
{
    /// <summary>A table service client for <paramref name="connectionString"/>.</summary>
    public static TableServiceClient CreateTableServiceClient(string connectionString)
    {
        var options = new TableClientOptions();
        options.AddPolicy(StorageCallCounter.Instance, HttpPipelinePosition.PerRetry);
        return new TableServiceClient(connectionString, options);
    }
}
