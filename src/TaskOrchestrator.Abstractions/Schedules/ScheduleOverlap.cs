namespace TaskOrchestrator.Schedules;

/// <summary>What an occurrence does while the previous run has not finished (its retries included).</summary>
public enum ScheduleOverlap
{
    /// <summary>It is skipped, and recorded as skipped.</summary>
    Skip = 0,

    /// <summary>It runs beside the previous one.</summary>
    Allow = 1,
}
