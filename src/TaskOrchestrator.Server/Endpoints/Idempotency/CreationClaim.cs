using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskOrchestrator.Server.Endpoints.Idempotency;

/// <summary>What a create route does after <see cref="IdempotentCreation.ClaimAsync"/>.</summary>
/// <param name="Id">The id to create the resource under.</param>
/// <param name="Keyed">Whether the request carried an idempotency key.</param>
/// <param name="Replay">Whether the same request claimed the key before (the resource may or may not exist yet).</param>
/// <param name="Problem">The answer when the request must be refused (invalid key, key used for another request).</param>
public readonly record struct CreationClaim(Guid Id, bool Keyed, bool Replay, ProblemHttpResult? Problem)
{
    /// <summary>The claim's grain key when the request carried a key: the resource keeps it, and retention releases the claim with it.</summary>
    public string? ClaimKey { get; init; }

    /// <summary>A refused request.</summary>
    public static CreationClaim Refused(ProblemHttpResult problem) => new(Guid.Empty, Keyed: true, Replay: false, problem);

    /// <summary>
    /// Whether to answer with the resource as a replay (200) rather than as new (201): on a repeat, and when the create
    /// found the id taken, which with a key means an identical request got there first.
    /// </summary>
    public bool AnswersAsReplay(bool idTaken) => Replay || (Keyed && idTaken);
}
