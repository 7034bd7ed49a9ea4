using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Quotas;

/// <summary>
/// The cap on each owner's pending (Scheduled or Running) standalone tasks and orchestrations, per token subject;
/// admins are exempt. Over it, a create is refused with 429 and Retry-After. Section <c>TaskOrchestrator:Limits:Pending</c>.
/// </summary>
/// <remarks>
/// The count is kept in memory by one <see cref="IOwnerQuotaGrain"/> per owner and counted again from the listings, so
/// it is approximate: tasks that finish while it counts can let an owner go a little over, until the next count.
/// </remarks>
public sealed class PendingLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Limits:Pending";

    /// <summary>Most standalone tasks one owner may have Scheduled or Running. Steps of orchestrations do not count. Default 100,000.</summary>
    [Range(1, 100_000_000)]
    public long MaxTasks { get; set; } = 100_000;

    /// <summary>Most orchestrations one owner may have Scheduled or Running. Default 10,000.</summary>
    [Range(1, 100_000_000)]
    public long MaxOrchestrations { get; set; } = 10_000;

    /// <summary>Most recurring schedules (active or paused) one owner may have. Default 1,000.</summary>
    [Range(1, 100_000_000)]
    public long MaxSchedules { get; set; } = 1_000;

    /// <summary>The Retry-After of a create refused at the cap, in seconds. Default 10.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 10;

    /// <summary>How often an owner's count, while its grain is active, is counted again from the listings. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RecountPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// At the cap, the count is counted again before a create is refused, unless it was counted within this long: it
    /// bounds what an owner that keeps knocking at its cap costs the listings. Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RecountAtCapAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The cap for <paramref name="kind"/>.</summary>
    public long Limit(PendingKind kind) => kind switch
    {
        PendingKind.Task => MaxTasks,
        PendingKind.Orchestration => MaxOrchestrations,
        _ => MaxSchedules,
    };
}
