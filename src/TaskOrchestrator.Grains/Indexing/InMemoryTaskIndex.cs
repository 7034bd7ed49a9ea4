using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Indexing;

/// <summary>The task index in this process's memory, for the in-memory storage mode and tests. Lost on restart.</summary>
public sealed class InMemoryTaskIndex : ITaskIndex
{
    private readonly SortedList<string, TaskSnapshot> _rows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task UpsertAsync(TaskSnapshot task, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _rows[TaskIndexKeys.RowKey(task)] = task;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken = default)
    {
        var items = new List<TaskSnapshot>(query.Limit);
        string? next = null;
        lock (_lock)
        {
            var start = query.After is null ? 0 : FirstIndexAfter(query.After);
            for (var i = start; i < _rows.Count; i++)
            {
                var task = _rows.Values[i];
                if ((query.Owner is not null && task.Owner != query.Owner) || (query.Status is { } s && task.Status != s))
                {
                    continue;
                }

                if (items.Count == query.Limit)
                {
                    next = TaskIndexKeys.RowKey(items[^1]);
                    break;
                }

                items.Add(task);
            }
        }

        return Task.FromResult(new TaskPage(items, next));
    }

    private int FirstIndexAfter(string cursor)
    {
        int lo = 0, hi = _rows.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (string.CompareOrdinal(_rows.Keys[mid], cursor) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
