using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Indexing;

/// <summary>
/// A queryable copy of every task, newest first. Grain state cannot be queried, so each task grain writes its
/// snapshot here on every change, and listings read only this.
/// </summary>
public interface ITaskIndex
{
    /// <summary>Records the task as it stands now, replacing what was recorded before.</summary>
    Task UpsertAsync(TaskSnapshot task, CancellationToken cancellationToken = default);

    /// <summary>One page of tasks, newest first.</summary>
    Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken = default);
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
