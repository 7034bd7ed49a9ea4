using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Idempotency;

namespace TaskOrchestrator.Server.Endpoints.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> header of the create routes: the same key from the same subject within 24 hours gets the
/// resource its first request created (200 and <c>Idempotent-Replayed: true</c>) instead of a second one; the same key
/// with a different body is refused (422).
/// </summary>
public static class IdempotentCreation
{
    /// <summary>The request header that names a create request.</summary>
    public const string KeyHeader = "Idempotency-Key";

    /// <summary>The response header on an answer that repeats an earlier request's resource.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The longest key accepted.</summary>
    public const int MaxKeyLength = 255;

    /// <summary>The header's description in the OpenAPI document.</summary>
    public const string KeyDescription =
        "Optional; 1 to 255 printable ASCII characters. Repeating a request with the same key within 24 hours returns the " +
        "resource the first one created (200, header `Idempotent-Replayed: true`) instead of creating another; the same key " +
        "with a different body is 422. Keys are per caller (token subject).";

    /// <summary>Declares the answers the header adds to a create route: 200 comes with its result type, 422 here.</summary>
    public static RouteHandlerBuilder AcceptsIdempotencyKey(this RouteHandlerBuilder route) =>
        route.ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>
    /// Claims <paramref name="key"/> (when given) for <paramref name="request"/> of <paramref name="subject"/> on the
    /// routes of <paramref name="kind"/>, offering <paramref name="proposedId"/>. Call it after the request passed its
    /// validation (an invalid request does not use up the key) and create the resource under the id it returns.
    /// </summary>
    public static async Task<CreationClaim> ClaimAsync<TRequest>(
        IGrainFactory grains, string kind, string subject, string? key, TRequest request, Guid proposedId)
    {
        if (key is null)
        {
            return new CreationClaim(proposedId, Keyed: false, Replay: false, Problem: null);
        }

        if (!IsValidKey(key))
        {
            return CreationClaim.Refused(TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: $"Invalid {KeyHeader} header",
                detail: $"The {KeyHeader} header must be 1 to {MaxKeyLength} printable ASCII characters."));
        }

        var grainKey = GrainKey(kind, subject, key);
        var claim = await grains.GetGrain<IIdempotencyGrain>(grainKey).ClaimAsync(Fingerprint(request), proposedId);
        return claim.Outcome switch
        {
            IdempotencyOutcome.Fresh => new CreationClaim(claim.ResourceId, Keyed: true, Replay: false, Problem: null) { ClaimKey = grainKey },
            IdempotencyOutcome.Replay => new CreationClaim(claim.ResourceId, Keyed: true, Replay: true, Problem: null) { ClaimKey = grainKey },
            _ => CreationClaim.Refused(TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: $"{KeyHeader} reused",
                detail: $"This {KeyHeader} was used within the last 24 hours for a different request. Use a new key for a new " +
                        "request, or repeat the original request exactly.")),
        };
    }

    /// <summary>
    /// 404 to a repeat of a request whose resource is past its retention (before the sweep frees the key; after it, the key
    /// is free and the repeat creates a new resource).
    /// </summary>
    public static ProblemHttpResult Expired(string noun) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: $"The {noun} this {KeyHeader} created has expired",
        detail: $"The {noun} was removed after its retention. Use a new {KeyHeader} to create another.");

    /// <summary>The 200 answer to a repeated request: the resource as it is now.</summary>
    public static IdempotentReplay<TValue> Replayed<TValue>(TValue resource) => new(resource);

    /// <summary>True for 1 to <see cref="MaxKeyLength"/> printable ASCII characters.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= MaxKeyLength && key.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0;

    /// <summary>
    /// The grain key: the kind in clear, then a hash of subject and key, because subjects may be long or hold characters
    /// a table key cannot (Orleans' table storage replaces / \ # ? with '_', which would make distinct keys collide).
    /// The subject's length goes first so that no two (subject, key) pairs hash the same text.
    /// </summary>
    internal static string GrainKey(string kind, string subject, string key)
    {
        var text = $"{subject.Length}:{subject}{key}";
        return $"{kind}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))}";
    }

    /// <summary>SHA-256 of the bound request as JSON: the same body (however formatted) gives the same fingerprint.</summary>
    internal static string Fingerprint<TRequest>(TRequest request) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request)));
}
