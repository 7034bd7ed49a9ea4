namespace TaskOrchestrator.Quotas;

/// <summary>What an owner's pending cap counts.</summary>
public enum PendingKind
{
    /// <summary>Standalone tasks (created through the API, not steps of an orchestration nor runs of a schedule) that are Scheduled or Running.</summary>
    Task = 0,

    /// <summary>Orchestrations that are Scheduled or Running.</summary>
    Orchestration = 1,

    /// <summary>Recurring schedules (active or paused) that exist.</summary>
    Schedule = 2,
}
