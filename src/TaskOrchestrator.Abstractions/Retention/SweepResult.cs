namespace TaskOrchestrator.Retention;

/// <summary>What one sweep did.</summary>
/// <param name="Due">Expiry rows read (due at the sweep's instant).</param>
/// <param name="Removed">Resources removed.</param>
/// <param name="AlreadyGone">Rows whose resource was already gone (a sweep stopped after removing it): only the row was deleted.</param>
/// <param name="Kept">Rows left for a later sweep (a callback still owed).</param>
/// <param name="More">True when the sweep stopped at its batch limit: more rows may be due.</param>
/// <param name="Stale">Rows that no longer stood for their resource (see <see cref="ExpiryOutcome.Stale"/>): only the row was deleted.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.SweepResult")]
public sealed record SweepResult(
    [property: Id(0)] int Due,
    [property: Id(1)] int Removed,
    [property: Id(2)] int AlreadyGone,
    [property: Id(3)] int Kept,
    [property: Id(4)] bool More,
    [property: Id(40)] int Stale = 0);
