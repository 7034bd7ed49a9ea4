namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>
/// The test classes that talk to Azure Storage (Azurite): run one after another, because some count storage calls with
/// the process-wide <see cref="TaskOrchestrator.Storage.StorageCallCounter"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AzureStorageCollection
{
    public const string Name = "Azure storage";
}
