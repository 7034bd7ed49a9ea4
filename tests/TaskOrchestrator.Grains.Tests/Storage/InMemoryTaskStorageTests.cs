using Orleans.Storage;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>The task store contract, in memory: a fresh store per test.</summary>
public sealed class InMemoryTaskStorageTests : TaskStoreContractTests
{
    private readonly InMemoryTaskStorage _store = new(StoredTasks.Serializer, new TaskIdMinter(TimeProvider.System));

    protected override IGrainStorage Storage => _store;

    protected override ITaskIndex Index => _store;
}
