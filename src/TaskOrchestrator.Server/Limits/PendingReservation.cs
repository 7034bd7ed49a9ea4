using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Quotas;

namespace TaskOrchestrator.Server.Limits;

/// <summary>
/// A place reserved under an owner's pending cap (or the refusal). Disposing it gives the place back unless
/// <see cref="Keep"/> was called, which the create route does once the resource is created.
/// </summary>
internal sealed class PendingReservation : IDisposable
{
    private IOwnerQuotaGrain? _grain;
    private readonly PendingKind _kind;

    private PendingReservation(IOwnerQuotaGrain? grain, PendingKind kind, ProblemHttpResult? problem)
    {
        _grain = grain;
        _kind = kind;
        Problem = problem;
    }

    /// <summary>No place is needed: the caller is exempt.</summary>
    public static PendingReservation Exempt { get; } = new(null, PendingKind.Task, null);

    /// <summary>The 429 answer when the owner is at its cap; null when a place is held (or none needed).</summary>
    public ProblemHttpResult? Problem { get; }

    public static PendingReservation Held(IOwnerQuotaGrain grain, PendingKind kind) => new(grain, kind, null);

    public static PendingReservation Refused(ProblemHttpResult problem) => new(null, PendingKind.Task, problem);

    /// <summary>The resource was created: its place stays taken until it finishes.</summary>
    public void Keep() => _grain = null;

    /// <inheritdoc />
    public void Dispose()
    {
        _grain?.ReleaseAsync(_kind).Ignore();
        _grain = null;
    }
}
