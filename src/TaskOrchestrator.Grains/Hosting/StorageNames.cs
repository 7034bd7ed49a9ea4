namespace TaskOrchestrator.Hosting;

/// <summary>Names of the Orleans storage providers the grains use.</summary>
public static class StorageNames
{
    /// <summary>Task grain state.</summary>
    public const string Tasks = "tasks";

    /// <summary>Orchestration and condition-check grain state (Orleans' own table or memory grain storage).</summary>
    public const string Orchestrations = "orchestrations";

    /// <summary>Recurring schedules' grain state (Orleans' own table or memory grain storage).</summary>
    public const string Schedules = "schedules";

    /// <summary>Idempotency-key claims (Orleans' own table or memory grain storage).</summary>
    public const string Idempotency = "idempotency";
}
