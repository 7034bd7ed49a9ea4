using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Hosting;

/// <summary>Where the cluster keeps its state. Section <c>TaskOrchestrator:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Storage";

    /// <summary>The connection string name (<c>ConnectionStrings:AzureStorage</c>) of the Azure Storage account.</summary>
    public const string ConnectionStringName = "AzureStorage";

    /// <summary>
    /// <see cref="StorageProvider.AzureStorage"/> (default): task state and listings, reminders and clustering in
    /// Azure Storage. <see cref="StorageProvider.Memory"/>: all in this process, lost on exit; one silo only.
    /// </summary>
    public StorageProvider Provider { get; set; } = StorageProvider.AzureStorage;

    /// <summary>
    /// The table that holds every task's state; its listing rows are in <c>{TaskTable}Index</c>. Default <c>Tasks</c>.
    /// </summary>
    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,57}$")]
    public string TaskTable { get; set; } = "Tasks";

    /// <summary>
    /// How long one storage request may take before it is abandoned (and retried). Default 5 s: a healthy table
    /// answers in milliseconds, and a request that hangs must not hold an API call for half a minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times a failed storage request is retried, backing off from 0.25 s to at most 1 s. Default 2: with
    /// storage unreachable, a request fails after about a second (connection refused) or after
    /// (1 + MaxRetries) x <see cref="RequestTimeout"/> at most (no answer), and the API answers 503.
    /// </summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// Whether the group commit of task and listing rows sends its entity-group transactions (<c>$batch</c>) with the
    /// service's own HTTP client, built and parsed as bytes, rather than the Azure SDK's (which allocates several times
    /// more per row). Applies only when the connection string carries an account key (<c>AccountName</c> and
    /// <c>AccountKey</c>, or <c>UseDevelopmentStorage=true</c>); other connection strings (a SAS) always use the SDK.
    /// Default true; false sends every request through the SDK.
    /// </summary>
    public bool DirectTransactions { get; set; } = true;
}

/// <summary>The storage back ends.</summary>
public enum StorageProvider
{
    /// <summary>Azure Storage tables (or Azurite).</summary>
    AzureStorage = 0,

    /// <summary>This process's memory; for tests and benchmarks.</summary>
    Memory = 1,
}
