using System.Globalization;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Retention;

namespace TaskOrchestrator.Storage;

/// <summary>
/// The task store in this process's memory, with the same contract as <see cref="AzureTaskStorage"/> (ETags,
/// listing columns): for the in-memory mode, tests and benchmarks. Lost on exit.
/// </summary>
public sealed class InMemoryTaskStorage(Serializer serializer, TaskIdMinter minter) : IGrainStorage, ITaskIndex
{
    // Row keys sort newest first (they invert the id's time); kept in the opposite order here, so that a new task's row
    // is appended at the end instead of shifting every row already stored, and listings walk from the end.
    private static readonly Comparer<string> OldestFirst = Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a));
    private readonly SortedList<string, (TaskRow Row, string ETag)> _rows = new(OldestFirst);
    private readonly Lock _lock = new();
    private long _version;

    /// <summary>Where a finished task's expiry row is filed (none: finished tasks are never swept).</summary>
    public IExpiryIndex? Expiry { get; init; }

    /// <summary>The clock listings hide expired tasks by.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Nothing to save here, but the minter must forget the id as it does with the Azure store.
        minter.TryClaimNew(grainId.GetGuidKey());
        lock (_lock)
        {
            if (_rows.TryGetValue(TaskKeys.RowKey(grainId.GetGuidKey()), out var stored))
            {
                grainState.State = TaskRow.ReadState<T>(stored.Row.State, serializer);
                grainState.ETag = stored.ETag;
                grainState.RecordExists = true;
            }
            else
            {
                grainState.ETag = null;
                grainState.RecordExists = false;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Listings read these rows directly, so no listing row can be left behind: only the current status is listed.
        TaskRow.Task(grainState.State).ListingStatuses = Listing.StatusSet.Of((int)TaskRow.Task(grainState.State).Status);
        var row = TaskRow.From(grainId.GetGuidKey(), grainState.State, serializer);
        lock (_lock)
        {
            CheckETag(row.RowKey, grainState.ETag);
            var etag = (++_version).ToString(CultureInfo.InvariantCulture);
            _rows[row.RowKey] = (row, etag);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }

        if (Expiry is not null && Tasks.ScheduledTaskStatusExtensions.IsFinal(row.Status) && row.Snapshot.ExpiresAt is { } expiresAt)
        {
            return Expiry.AddAsync(ExpiryKind.Task, row.Id, expiresAt);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var rowKey = TaskKeys.RowKey(grainId.GetGuidKey());
        lock (_lock)
        {
            CheckETag(rowKey, grainState.ETag);
            _rows.Remove(rowKey);
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ListingPage<Tasks.TaskSnapshot>> ListAsync(ListingQuery<Tasks.ScheduledTaskStatus> query, CancellationToken cancellationToken = default)
    {
        var items = new List<Tasks.TaskSnapshot>(query.Limit);
        var now = Time.GetUtcNow();
        lock (_lock)
        {
            var start = query.After is null ? _rows.Count - 1 : LastIndexAfter(query.After);
            for (var i = start; i >= 0; i--)
            {
                var row = _rows.Values[i].Row;
                if ((query.Owner is not null && row.Owner != query.Owner) || (query.Status is { } s && row.Status != s)
                    || (query.Group is not null && (row.Snapshot.ScheduleId is not { } schedule || ListingKeys.ScheduleGroup(schedule) != query.Group))
                    || !Labels.LabelSet.Matches(row.Snapshot.Labels, query.Labels)
                    || row.Snapshot.ExpiresAt <= now)
                {
                    continue;
                }

                if (items.Count == query.Limit)
                {
                    return Task.FromResult(new ListingPage<Tasks.TaskSnapshot>(items, TaskKeys.RowKey(items[^1].Id)));
                }

                items.Add(row.Snapshot);
            }
        }

        return Task.FromResult(new ListingPage<Tasks.TaskSnapshot>(items, null));
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.ContainsKey(TaskKeys.RowKey(id)));
        }
    }

    private void CheckETag(string rowKey, string? expected)
    {
        var current = _rows.TryGetValue(rowKey, out var stored) ? stored.ETag : null;
        if (current != expected)
        {
            throw new InconsistentStateException($"ETag mismatch for task row {rowKey}.", current ?? "", expected ?? "");
        }
    }

    // The index of the newest row listed after the cursor (row keys greater than it), or -1 for none.
    private int LastIndexAfter(string cursor)
    {
        int lo = 0, hi = _rows.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (string.CompareOrdinal(_rows.Keys[mid], cursor) > 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo - 1;
    }
}
