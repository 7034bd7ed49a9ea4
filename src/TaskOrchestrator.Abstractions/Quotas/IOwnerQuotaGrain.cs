using Orleans.Concurrency;

namespace TaskOrchestrator.Quotas;

/// <summary>
/// How many standalone tasks and orchestrations one owner has pending (Scheduled or Running), kept in memory and keyed
/// by <see cref="OwnerQuotaKey.For"/>. The create routes reserve a place before creating; tasks and orchestrations
/// release theirs when they reach a final status. The grain counts from the listings at its first reservation (in the
/// background: no create waits for it), periodically, and at the cap before refusing, so lost releases (a silo's
/// crash) cannot hold an owner at its cap for long.
/// </summary>
public interface IOwnerQuotaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves a place for one more of <paramref name="kind"/> for <paramref name="owner"/> unless it already has
    /// <paramref name="limit"/> pending. Release the place (<see cref="ReleaseAsync"/>) when the create then fails.
    /// </summary>
    Task<PendingAdmission> TryReserveAsync(string owner, PendingKind kind, long limit);

    /// <summary>One of <paramref name="kind"/> finished, or its creation failed: its place is free. One-way.</summary>
    [OneWay]
    Task ReleaseAsync(PendingKind kind);
}
