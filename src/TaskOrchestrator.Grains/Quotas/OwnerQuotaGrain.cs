using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Quotas;

/// <summary>
/// One owner's pending standalone tasks and orchestrations, counted in memory (see <see cref="IOwnerQuotaGrain"/>).
/// Nothing is stored: an activation counts from the listings at its first reservation of each kind.
/// </summary>
/// <remarks>
/// A count reads the listings in the background, so that no create waits for it: until an activation's first count
/// is in, its owner is admitted against what this activation has seen. Reservations and releases made after the
/// count's first page was read are added to what it finds; the ones before are in the listing or not, depending on
/// whether their create had landed. So a count errs low (by the creates in flight at its first page, the tasks that
/// finish while it reads, or move from Scheduled to Running between its two reads): an owner may go a little over its
/// cap until the next count, rather than be refused under it. A count stops once it reaches the cap.
/// At the cap, a refusal waits for a fresh count (at most one per <see cref="PendingLimitOptions.RecountAtCapAfter"/>).
/// Releases sent to an activation that has not started counting (an admin's, or after a restart) are ignored: the
/// first count sees the outcome in the listings.
/// </remarks>
public sealed partial class OwnerQuotaGrain(
    ITaskIndex tasks,
    IOrchestrationIndex orchestrations,
    Schedules.IScheduleIndex schedules,
    TimeProvider time,
    IOptions<PendingLimitOptions> options,
    ILogger<OwnerQuotaGrain> logger) : Grain, IOwnerQuotaGrain
{
    private const int PageSize = 1000;

    private static readonly PendingKind[] Kinds = [PendingKind.Task, PendingKind.Orchestration, PendingKind.Schedule];
    private static readonly ScheduledTaskStatus[] PendingTaskStatuses = [ScheduledTaskStatus.Scheduled, ScheduledTaskStatus.Running];
    private static readonly OrchestrationStatus[] PendingOrchestrationStatuses = [OrchestrationStatus.Scheduled, OrchestrationStatus.Running];

    private readonly PendingLimitOptions _options = options.Value;
    private readonly Count[] _counts = [new(), new(), new()];
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
            _ = CountInBackground(kind);
        }
        else if (count.Pending >= limit && time.GetUtcNow() - count.CountedAt >= _options.RecountAtCapAfter)
        {
            // Releases may have been lost (a silo died before sending them): look before refusing.
            await CountInBackground(kind);
        }

        if (count.Pending >= limit)
        {
            LogAtCap(kind, count.Pending, limit);
            return new PendingAdmission(false, count.Pending);
        }

        count.Change(+1);
        return new PendingAdmission(true, count.Pending);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(PendingKind kind)
    {
        var count = _counts[(int)kind];
        if (count.CountedAt is not null || count.Counting is not null)
        {
            count.Change(-1);
        }

        return Task.CompletedTask;
    }

    private Task OnRecountTimerAsync(CancellationToken cancellationToken)
    {
        foreach (var kind in Kinds)
        {
            if (_counts[(int)kind].CountedAt is not null)
            {
                _ = CountInBackground(kind);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Starts a count of <paramref name="kind"/> unless one is under way; the task ends when it is in (it never fails).</summary>
    private Task CountInBackground(PendingKind kind)
    {
        // Not awaited by the caller: its continuations run on this activation, between its calls.
        var count = _counts[(int)kind];
        if (count.Counting is not { IsCompleted: false })
        {
            count.Counting = CountAsync(kind, count);
        }

        return count.Counting;
    }

    private async Task CountAsync(PendingKind kind, Count count)
    {
        try
        {
            var found = kind switch
            {
                PendingKind.Task => await CountTasksAsync(count),
                PendingKind.Orchestration => await CountOrchestrationsAsync(count),
                _ => await CountSchedulesAsync(count),
            };
            var pending = Math.Max(0, found + count.Delta);
            if (count.CountedAt is not null && pending != count.Pending)
            {
                LogRecounted(kind, count.Pending, pending);
            }

            count.Pending = pending;
            count.CountedAt = time.GetUtcNow();
            _recountTimer ??= this.RegisterGrainTimer(OnRecountTimerAsync, new GrainTimerCreationOptions(_options.RecountPeriod, _options.RecountPeriod));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The count so far stands (until a first count is in, what this activation has seen); the next one may succeed.
            LogRecountFailed(kind, e);
        }
        finally
        {
            count.Tracking = false;
            count.Delta = 0;
        }
    }

    private async Task<long> CountTasksAsync(Count count)
    {
        long found = 0;
        foreach (var status in PendingTaskStatuses)
        {
            string? after = null;
            do
            {
                var page = await tasks.ListAsync(new ListingQuery<ScheduledTaskStatus>(_owner, status, PageSize, after));
                count.StartTracking();
                found += page.Items.Count(t => t.OrchestrationId is null && t.ScheduleId is null);
                after = page.Next;
            }
            while (after is not null && found < count.Limit);
        }

        return found;
    }

    private async Task<long> CountSchedulesAsync(Count count)
    {
        long found = 0;
        string? after = null;
        do
        {
            var page = await schedules.ListAsync(new Listing.ListingQuery<Schedules.ScheduleStatus>(_owner, null, PageSize, after));
            count.StartTracking();
            found += page.Items.Count;
            after = page.Next;
        }
        while (after is not null && found < count.Limit);

        return found;
    }

    private async Task<long> CountOrchestrationsAsync(Count count)
    {
        long found = 0;
        foreach (var status in PendingOrchestrationStatuses)
        {
            string? after = null;
            do
            {
                var page = await orchestrations.ListAsync(new ListingQuery<OrchestrationStatus>(_owner, status, PageSize, after));
                count.StartTracking();
                found += page.Items.Count(o => o.ScheduleId is null);
                after = page.Next;
            }
            while (after is not null && found < count.Limit);
        }

        return found;
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Owner at its cap of pending {Kind}s: {Pending} of {Limit}")]
    private partial void LogAtCap(PendingKind kind, long pending, long limit);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Pending {Kind}s counted again: {Previous} became {Found}")]
    private partial void LogRecounted(PendingKind kind, long previous, long found);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Could not count pending {Kind}s; the count so far stands")]
    private partial void LogRecountFailed(PendingKind kind, Exception exception);

    /// <summary>One kind's count, and the count of the listings under way.</summary>
    private sealed class Count
    {
        public long Pending;
        public long Limit = long.MaxValue;
        public DateTimeOffset? CountedAt;
        public Task? Counting;

        // While a count is under way, from the moment its first page was read: the changes it cannot have seen.
        public bool Tracking;
        public long Delta;

        public void StartTracking()
        {
            if (!Tracking)
            {
                Tracking = true;
                Delta = 0;
            }
        }

        public void Change(int by)
        {
            Pending = Math.Max(0, Pending + by);
            if (Tracking)
            {
                Delta += by;
            }
        }
    }
}
