using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Indexing;

/// <summary>The orchestration listing in this process's memory (the in-memory mode, tests). Lost on exit.</summary>
public sealed class InMemoryOrchestrationIndex : IOrchestrationIndex
{
    private readonly SortedList<string, OrchestrationSummary> _rows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task UpsertAsync(OrchestrationSummary summary, StatusSet stale, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _rows[TaskKeys.RowKey(summary.Id)] = summary;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ListingPage<OrchestrationSummary>> ListAsync(ListingQuery<OrchestrationStatus> query, CancellationToken cancellationToken = default)
    {
        var items = new List<OrchestrationSummary>(query.Limit);
        lock (_lock)
        {
            foreach (var (rowKey, row) in _rows)
            {
                if ((query.After is not null && string.CompareOrdinal(rowKey, query.After) <= 0)
                    || (query.Owner is not null && row.Owner != query.Owner)
                    || (query.Status is { } s && row.Status != s))
                {
                    continue;
                }

                if (items.Count == query.Limit)
                {
                    return Task.FromResult(new ListingPage<OrchestrationSummary>(items, TaskKeys.RowKey(items[^1].Id)));
                }

                items.Add(row);
            }
        }

        return Task.FromResult(new ListingPage<OrchestrationSummary>(items, null));
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.ContainsKey(TaskKeys.RowKey(id)));
        }
    }
}
