using TaskOrchestrator.Listing;

namespace TaskOrchestrator.Schedules;

/// <summary>The schedule listing in this process's memory (the in-memory mode, tests). Lost on exit.</summary>
public sealed class InMemoryScheduleIndex : IScheduleIndex
{
    private readonly InMemoryItemIndex<ScheduleSummary, ScheduleStatus> _index = new(s => (s.Id, s.Owner, s.Status), s => s.Definition.Labels);

    /// <inheritdoc />
    public Task UpsertAsync(ScheduleSummary summary, StatusSet stale, IEnumerable<string>? staleLabels = null)
    {
        _index.Upsert(summary);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveAsync(ScheduleSummary summary, StatusSet statuses, IEnumerable<string>? staleLabels = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _index.Remove(summary.Id);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ListingPage<ScheduleSummary>> ListAsync(ListingQuery<ScheduleStatus> query, CancellationToken cancellationToken = default) =>
        Task.FromResult(_index.List(query));

    /// <inheritdoc />
    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(_index.Exists(id));
}
