namespace TaskOrchestrator.Schedules;

/// <summary>Whether a schedule creates its occurrences.</summary>
public enum ScheduleStatus
{
    /// <summary>Occurrences are created as they come.</summary>
    Active = 0,

    /// <summary>No occurrence is created until it is resumed.</summary>
    Paused = 1,
}
