using System.Text.Json;
using Orleans.Serialization;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Storage;

/// <summary>
/// What the task stores keep per task: the grain state (serialized) and, beside it, the task as listings show it
/// (its snapshot as JSON, serialized once for the state row and every listing row).
/// </summary>
internal sealed record TaskRow(Guid Id, string RowKey, string Owner, ScheduledTaskStatus Status, TaskSnapshot Snapshot, byte[] Listed, byte[] State)
{
    public static TaskRow From<T>(Guid id, T state, Serializer serializer)
    {
        var task = Task(state);
        var snapshot = task.ToSnapshot(id);
        return new TaskRow(
            id, TaskKeys.RowKey(id), snapshot.Owner, snapshot.Status, snapshot,
            JsonSerializer.SerializeToUtf8Bytes(snapshot, TaskIndexJson.Options), serializer.SerializeToArray(task));
    }

    /// <summary>The state as a scheduled task's; the stores hold nothing else.</summary>
    public static TaskGrainState Task<T>(T state) => state is TaskGrainState { Definition: not null } task
        ? task
        : throw new NotSupportedException($"The task store holds scheduled task state only, not {typeof(T).Name}.");

    public static T ReadState<T>(byte[] state, Serializer serializer) =>
        serializer.Deserialize<T>(state) ?? throw new InvalidOperationException("A task row holds no state.");

    public static TaskSnapshot ReadListed(byte[] listed) =>
        JsonSerializer.Deserialize<TaskSnapshot>(listed, TaskIndexJson.Options) ?? throw new InvalidOperationException("A listing row holds no task.");
}
