namespace TaskOrchestrator.Retention;

/// <summary>What an expiry row names: its row key says which (see <see cref="ExpiryKeys"/>).</summary>
public enum ExpiryKind
{
    /// <summary>A task (rows without a kind prefix, filed before orchestrations expired, are tasks).</summary>
    Task = 0,

    /// <summary>An orchestration, with its step tasks and condition checks.</summary>
    Orchestration,
}
