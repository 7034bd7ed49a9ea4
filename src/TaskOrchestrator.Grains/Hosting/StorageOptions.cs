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

    /// <summary>The table that holds every task's state and listing columns. Default <c>Tasks</c>.</summary>
    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string TaskTable { get; set; } = "Tasks";
}

/// <summary>The storage back ends.</summary>
public enum StorageProvider
{
    /// <summary>Azure Storage tables (or Azurite).</summary>
    AzureStorage = 0,

    /// <summary>This process's memory; for tests and benchmarks.</summary>
    Memory = 1,
}
