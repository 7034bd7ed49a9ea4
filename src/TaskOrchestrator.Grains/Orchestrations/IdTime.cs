using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Orchestrations;

/// <summary>The creation time a version-7 task id carries, so a task scheduled again after a crash gets the same one.</summary>
internal static class IdTime
{
    public static DateTimeOffset CreatedAt(Guid id) => DateTimeOffset.FromUnixTimeMilliseconds(TaskKeys.CreatedMillis(id));
}
