namespace TaskOrchestrator.Idempotency;

/// <summary>The persisted state of an <see cref="IdempotencyGrain"/>: the request that holds the key, and its resource id.</summary>
[GenerateSerializer, Alias("TaskOrchestrator.IdempotencyGrainState")]
public sealed class IdempotencyGrainState
{
    /// <summary>SHA-256 (hex) of the request that claimed the key; null while the key is free.</summary>
    [Id(0)] public string? Fingerprint { get; set; }

    /// <summary>The id that request's resource has (or gets, if its creation has not happened yet).</summary>
    [Id(1)] public Guid ResourceId { get; set; }

    /// <summary>When the key was claimed: it is free again <see cref="IdempotencyWindow.Length"/> later.</summary>
    [Id(2)] public DateTimeOffset ClaimedAt { get; set; }
}
