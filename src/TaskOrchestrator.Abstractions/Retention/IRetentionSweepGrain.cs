namespace TaskOrchestrator.Retention;

/// <summary>
/// The retention sweep: one activation in the cluster (key 0) removes finished tasks past their retention, reading
/// only the expiry rows that are due. A reminder brings it back wherever the cluster runs; its timer sweeps.
/// </summary>
public interface IRetentionSweepGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the sweep runs: registers its reminder (idempotent) and activates it.</summary>
    Task StartAsync();

    /// <summary>Sweeps once now (then on its own schedule) and says what it did.</summary>
    Task<SweepResult> SweepNowAsync();
}
