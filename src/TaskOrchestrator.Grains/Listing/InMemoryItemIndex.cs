using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Listing;

/// <summary>
/// The listing of one kind of small resource in this process's memory (the in-memory mode, tests), with the same
/// contract as <see cref="TableItemIndex{TItem, TStatus}"/>: newest first, by owner, status, group and labels. Lost on exit.
/// </summary>
/// <typeparam name="TItem">The item as listings show it.</typeparam>
/// <typeparam name="TStatus">Its status enum.</typeparam>
internal sealed class InMemoryItemIndex<TItem, TStatus>(
    Func<TItem, (Guid Id, string Owner, TStatus Status)> keys, Func<TItem, IReadOnlyDictionary<string, string>?> labels, Func<TItem, string?>? group = null)
    where TItem : class
    where TStatus : struct, Enum
{
    private readonly SortedList<string, TItem> _rows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Upsert(TItem item)
    {
        lock (_lock)
        {
            _rows[TaskKeys.RowKey(keys(item).Id)] = item;
        }
    }

    public void Remove(Guid id)
    {
        lock (_lock)
        {
            _rows.Remove(TaskKeys.RowKey(id));
        }
    }

    public bool Exists(Guid id)
    {
        lock (_lock)
        {
            return _rows.ContainsKey(TaskKeys.RowKey(id));
        }
    }

    public ListingPage<TItem> List(ListingQuery<TStatus> query) =>
        Page(query.Limit, query.After, item =>
        {
            var (_, owner, status) = keys(item);
            return (query.Owner is null || owner == query.Owner)
                && (query.Status is not { } s || EqualityComparer<TStatus>.Default.Equals(status, s))
                && (query.Group is null || group?.Invoke(item) == query.Group)
                && Labels.LabelSet.Matches(labels(item), query.Labels);
        });

    private ListingPage<TItem> Page(int limit, string? after, Func<TItem, bool> matches)
    {
        var items = new List<TItem>(limit);
        lock (_lock)
        {
            foreach (var (rowKey, row) in _rows)
            {
                if ((after is not null && string.CompareOrdinal(rowKey, after) <= 0) || !matches(row))
                {
                    continue;
                }

                if (items.Count == limit)
                {
                    return new ListingPage<TItem>(items, TaskKeys.RowKey(keys(items[^1]).Id));
                }

                items.Add(row);
            }
        }

        return new ListingPage<TItem>(items, null);
    }
}
