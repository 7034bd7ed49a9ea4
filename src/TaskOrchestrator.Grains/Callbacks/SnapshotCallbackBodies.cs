using System.Text.Json;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Callbacks;

/// <summary>The callback body of a silo without a gateway (tests): the snapshot as listing rows hold it.</summary>
public sealed class SnapshotCallbackBodies : ICallbackBodies
{
    /// <inheritdoc />
    public byte[] Task(TaskSnapshot task) => JsonSerializer.SerializeToUtf8Bytes(task, TaskIndexJson.Options);

    /// <inheritdoc />
    public byte[] Orchestration(OrchestrationSnapshot orchestration) => JsonSerializer.SerializeToUtf8Bytes(orchestration, TaskIndexJson.Options);
}
