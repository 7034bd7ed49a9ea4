namespace TaskOrchestrator.Callbacks;

/// <summary>The delivery of a resource's completion callback: how far it went.</summary>
/// <param name="Status">Pending, Delivered or Failed.</param>
/// <param name="Outcome">The ending reported: completed, failed or cancelled.</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="LastStatusCode">What the callback URL answered to the last attempt; null when it did not answer.</param>
/// <param name="LastError">Why the last attempt got no usable answer (bounded like a task's error); null otherwise.</param>
/// <param name="NextAttemptAt">While Pending: when the next attempt is due.</param>
/// <param name="FinishedAt">When it was Delivered or Failed for good.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.CallbackDelivery")]
public sealed record CallbackDelivery(
    [property: Id(0)] CallbackStatus Status,
    [property: Id(1)] string Outcome,
    [property: Id(2)] int Attempts,
    [property: Id(3)] int? LastStatusCode,
    [property: Id(4)] string? LastError,
    [property: Id(5)] DateTimeOffset? NextAttemptAt,
    [property: Id(6)] DateTimeOffset? FinishedAt)
{
    /// <summary>A callback owed for <paramref name="outcome"/>, its first attempt due at <paramref name="now"/>.</summary>
    public static CallbackDelivery Owed(string outcome, DateTimeOffset now) => new(CallbackStatus.Pending, outcome, 0, null, null, now, null);
}
