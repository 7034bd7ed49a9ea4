namespace TaskOrchestrator.Quotas;

/// <summary>The answer to <see cref="IOwnerQuotaGrain.TryReserveAsync"/>.</summary>
/// <param name="Admitted">True when a place was reserved for one more; false when the owner is at its cap.</param>
/// <param name="Pending">How many the owner has pending as far as the grain knows, the new reservation included.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.PendingAdmission")]
public sealed record PendingAdmission(
    [property: Id(0)] bool Admitted,
    [property: Id(1)] long Pending);
