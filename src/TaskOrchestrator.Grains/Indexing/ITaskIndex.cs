using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Indexing;

/// <summary>
/// Lists tasks, newest first. Grain state cannot be queried, so the task store keeps, beside each task's state, the
/// columns a listing filters on and the task's snapshot; this reads only those.
/// </summary>
public interface ITaskIndex
{
    /// <summary>One page of tasks, newest first.</summary>
    Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken = default);

    /// <summary>True when a task is stored under <paramref name="id"/>: one point read, no grain activated.</summary>
    Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default);
}

/// <summary>What to list.</summary>
/// <param name="Owner">Only this subject's tasks; null for every owner's.</param>
/// <param name="Status">Only tasks in this status; null for all.</param>
/// <param name="Limit">The page size.</param>
/// <param name="After">The cursor of the previous page (its <see cref="TaskPage.Next"/>), or null for the first.</param>
public sealed record TaskQuery(string? Owner, ScheduledTaskStatus? Status, int Limit, string? After);

/// <summary>One page of a listing.</summary>
/// <param name="Items">The tasks, newest first.</param>
/// <param name="Next">The cursor for the next page, or null when no more remain.</param>
public sealed record TaskPage(IReadOnlyList<TaskSnapshot> Items, string? Next);
