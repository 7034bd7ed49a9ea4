using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;

namespace TaskOrchestrator.Indexing;

/// <summary>The orchestration listing in this process's memory (the in-memory mode, tests). Lost on exit.</summary>
public sealed class InMemoryOrchestrationIndex : IOrchestrationIndex
{
    private readonly InMemoryItemIndex<OrchestrationSummary, OrchestrationStatus> _index = new(
        s => (s.Id, s.Owner, s.Status), s => s.Labels, s => s.ScheduleId is { } schedule ? ListingKeys.ScheduleGroup(schedule) : null);

    /// <summary>The clock listings hide expired orchestrations by.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public Task UpsertAsync(OrchestrationSummary summary, StatusSet stale, IEnumerable<string>? staleLabels = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _index.Upsert(summary);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveAsync(OrchestrationSummary summary, StatusSet statuses, IEnumerable<string>? staleLabels = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _index.Remove(summary.Id);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ListingPage<OrchestrationSummary>> ListAsync(ListingQuery<OrchestrationStatus> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = _index.List(query);
        var now = Time.GetUtcNow();
        return Task.FromResult(page.Items.Any(o => o.ExpiresAt <= now) ? page with { Items = [.. page.Items.Where(o => !(o.ExpiresAt <= now))] } : page);
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(_index.Exists(id));
}
