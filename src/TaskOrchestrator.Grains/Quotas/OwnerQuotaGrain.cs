using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Quotas;

/// <summary>
/// One owner's pending standalone tasks and orchestrations, counted in memory (see <see cref="IOwnerQuotaGrain"/>).
/// Nothing is stored: a new activation counts from the listings at its first reservation of each kind.
/// </summary>
/// <remarks>
/// Not reentrant: a count runs as one turn, so no place is reserved while it reads, and a place reserved after it is for
/// a create that starts after it (not in the listings it read). Releases that queue behind a count are applied after
/// it, although the count may have seen those as finished already; so a count errs low (by what finished while it
/// read, or moved from Scheduled to Running between its two reads), which lets an owner go a little over its cap until
/// the next count, rather than refusing an owner that is under it. A count stops once it reaches the cap.
/// Releases sent to an activation that has not counted yet (an admin's, or after a restart) are ignored: the first
/// count sees the outcome in the listings.
/// </remarks>
public sealed partial class OwnerQuotaGrain(
    ITaskIndex tasks,
    IOrchestrationIndex orchestrations,
    TimeProvider time,
    IOptions<PendingLimitOptions> options,
    ILogger<OwnerQuotaGrain> logger) : Grain, IOwnerQuotaGrain
{
    private const int PageSize = 1000;

    private static readonly PendingKind[] Kinds = [PendingKind.Task, PendingKind.Orchestration];
    private static readonly ScheduledTaskStatus[] PendingTaskStatuses = [ScheduledTaskStatus.Scheduled, ScheduledTaskStatus.Running];
    private static readonly OrchestrationStatus[] PendingOrchestrationStatuses = [OrchestrationStatus.Scheduled, OrchestrationStatus.Running];

    private readonly PendingLimitOptions _options = options.Value;
    private readonly Count[] _counts = [new(), new()];
    private string? _owner;
    private IGrainTimer? _recountTimer;

    /// <inheritdoc />
    public async Task<PendingAdmission> TryReserveAsync(string owner, PendingKind kind, long limit)
    {
        if (!string.Equals(owner, _owner, StringComparison.Ordinal))
        {
            if (!string.Equals(OwnerQuotaKey.For(owner), this.GetPrimaryKeyString(), StringComparison.Ordinal))
            {
                throw new ArgumentException("This grain counts another owner's tasks.", nameof(owner));
            }

            _owner = owner;
        }

        var count = _counts[(int)kind];
        count.Limit = limit;
        if (count.CountedAt is null)
        {
            // A failure here (listings unavailable) fails this create; the next one counts again.
            await RecountAsync(kind, CancellationToken.None);
            _recountTimer ??= this.RegisterGrainTimer(OnRecountTimerAsync, new GrainTimerCreationOptions(_options.RecountPeriod, _options.RecountPeriod));
        }
        else if (count.Pending >= limit && time.GetUtcNow() - count.CountedAt >= _options.RecountAtCapAfter)
        {
            // Releases may have been lost (a silo died before sending them): look before refusing.
            await TryRecountAsync(kind, CancellationToken.None);
        }

        if (count.Pending >= limit)
        {
            LogAtCap(kind, count.Pending, limit);
            return new PendingAdmission(false, count.Pending);
        }

        count.Pending++;
        return new PendingAdmission(true, count.Pending);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(PendingKind kind)
    {
        var count = _counts[(int)kind];
        if (count.CountedAt is not null && count.Pending > 0)
        {
            count.Pending--;
        }

        return Task.CompletedTask;
    }

    private async Task OnRecountTimerAsync(CancellationToken cancellationToken)
    {
        foreach (var kind in Kinds)
        {
            if (_counts[(int)kind].CountedAt is not null)
            {
                await TryRecountAsync(kind, cancellationToken);
            }
        }
    }

    private async Task TryRecountAsync(PendingKind kind, CancellationToken cancellationToken)
    {
        try
        {
            await RecountAsync(kind, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The count so far stands; the next count may succeed.
            LogRecountFailed(kind, e);
        }
    }

    private async Task RecountAsync(PendingKind kind, CancellationToken cancellationToken)
    {
        var count = _counts[(int)kind];
        var found = kind == PendingKind.Task
            ? await CountTasksAsync(count.Limit, cancellationToken)
            : await CountOrchestrationsAsync(count.Limit, cancellationToken);
        if (count.CountedAt is not null && found != count.Pending)
        {
            LogRecounted(kind, count.Pending, found);
        }

        count.Pending = found;
        count.CountedAt = time.GetUtcNow();
    }

    private async Task<long> CountTasksAsync(long limit, CancellationToken cancellationToken)
    {
        long found = 0;
        foreach (var status in PendingTaskStatuses)
        {
            string? after = null;
            do
            {
                var page = await tasks.ListAsync(new TaskQuery(_owner, status, PageSize, after), cancellationToken);
                found += page.Items.Count(t => t.OrchestrationId is null);
                after = page.Next;
            }
            while (after is not null && found < limit);
        }

        return found;
    }

    private async Task<long> CountOrchestrationsAsync(long limit, CancellationToken cancellationToken)
    {
        long found = 0;
        foreach (var status in PendingOrchestrationStatuses)
        {
            string? after = null;
            do
            {
                var page = await orchestrations.ListAsync(new OrchestrationQuery(_owner, status, PageSize, after), cancellationToken);
                found += page.Items.Count;
                after = page.Next;
            }
            while (after is not null && found < limit);
        }

        return found;
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Owner at its cap of pending {Kind}s: {Pending} of {Limit}")]
    private partial void LogAtCap(PendingKind kind, long pending, long limit);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Pending {Kind}s counted again: {Previous} became {Found}")]
    private partial void LogRecounted(PendingKind kind, long previous, long found);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Could not count pending {Kind}s again; the previous count stands")]
    private partial void LogRecountFailed(PendingKind kind, Exception exception);

    private sealed class Count
    {
        public long Pending;
        public long Limit = long.MaxValue;
        public DateTimeOffset? CountedAt;
    }
}
