using Orleans.Serialization;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Storage;

/// <summary>
/// What the task store keeps per task: the grain state (serialized) and, beside it, the columns a listing needs.
/// One row, one write: the state and its listing never disagree.
/// </summary>
internal sealed record TaskRow(string RowKey, string Owner, ScheduledTaskStatus Status, TaskSnapshot Snapshot, byte[] State)
{
    public static TaskRow From<T>(Guid id, T state, Serializer serializer)
    {
        if (state is not TaskGrainState task || task.Definition is null)
        {
            throw new NotSupportedException($"The task store holds scheduled task state only, not {typeof(T).Name}.");
        }

        var snapshot = task.ToSnapshot(id);
        return new TaskRow(TaskKeys.RowKey(id), snapshot.Owner, snapshot.Status, snapshot, serializer.SerializeToArray(task));
    }

    public static T ReadState<T>(byte[] state, Serializer serializer) =>
        serializer.Deserialize<T>(state) ?? throw new InvalidOperationException("A task row holds no state.");
}
