namespace TaskOrchestrator.Schedules;

/// <summary>What becomes of occurrences missed while the service could not create them (down, or its schedule's silo dead).</summary>
public enum ScheduleCatchUp
{
    /// <summary>Missed occurrences are skipped (recorded as missed).</summary>
    None = 0,

    /// <summary>The latest missed occurrence within the catch-up window runs once, as soon as possible; the others are skipped.</summary>
    Latest = 1,

    /// <summary>Every missed occurrence within the catch-up window runs, oldest first, as soon as possible.</summary>
    All = 2,
}
