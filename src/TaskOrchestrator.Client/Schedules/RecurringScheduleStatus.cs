namespace TaskOrchestrator.Client.Schedules;

/// <summary>Whether a recurring schedule creates its occurrences.</summary>
public enum RecurringScheduleStatus
{
    /// <summary>Occurrences are created as they come.</summary>
    Active,

    /// <summary>No occurrence is created until it is resumed.</summary>
    Paused,
}

/// <summary>What an occurrence does while the previous run has not finished (its retries included).</summary>
public enum ScheduleOverlap
{
    /// <summary>It is skipped, and recorded as skipped (the service's default).</summary>
    Skip,

    /// <summary>It runs beside the previous one.</summary>
    Allow,
}

/// <summary>What becomes of occurrences missed while the service was down.</summary>
public enum ScheduleCatchUp
{
    /// <summary>They are skipped (recorded as missed).</summary>
    None,

    /// <summary>The latest one within the catch-up window runs once, at once (the service's default).</summary>
    Latest,

    /// <summary>Every one within the catch-up window runs, oldest first.</summary>
    All,
}
