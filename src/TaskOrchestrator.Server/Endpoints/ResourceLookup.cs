using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints;

/// <summary>
/// Finds the resource of one kind that a route's <c>{id}</c> names, for the caller, and words the problems every such
/// route answers with: 400 for an id that is not a GUID, 404 for an id under which the caller owns nothing (another
/// owner's resource is reported as missing, never as forbidden), 409 for a command the resource refused. One per kind
/// of resource (<see cref="ResourceLookupExtensions.AddResourceLookup"/>), taken by its route handlers.
/// </summary>
/// <remarks>
/// Before any grain is activated it tells whether an id may name a stored resource: an id this service minted carries
/// its tag and goes straight to its grain; any other (made up, or minted before tags existed) costs one storage point
/// read and is 404 when nothing is stored under it. A client cannot make the cluster activate grains, or write
/// anything, by asking for ids at random.
/// </remarks>
/// <typeparam name="TGrain">The grain of one resource.</typeparam>
/// <typeparam name="TSnapshot">What the grain answers for the resource as it stands.</typeparam>
public sealed class ResourceLookup<TGrain, TSnapshot>(
    ResourceKind<TGrain, TSnapshot> kind, TaskIdMinter ids, Func<Guid, CancellationToken, Task<bool>> isStored, IGrainFactory grains)
    where TGrain : IGrainWithGuidKey
    where TSnapshot : class
{
    /// <summary>The kind of resource this finds.</summary>
    public ResourceKind<TGrain, TSnapshot> Kind => kind;

    /// <summary>The grain of the resource with id <paramref name="id"/>.</summary>
    public TGrain Grain(Guid id) => grains.GetGrain<TGrain>(id);

    /// <summary>The id in a route, when a resource may exist under it; otherwise the 400 or 404 to answer.</summary>
    public async Task<(Guid? Id, ProblemHttpResult? Problem)> KnownIdAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var parsed))
        {
            return (null, RouteProblems.BadRequest($"'{id}' is not {kind.Article} {kind.Noun} id (a GUID)."));
        }

        return ids.IsMinted(parsed) || await isStored(parsed, cancellationToken) ? (parsed, null) : (null, NotFound(parsed));
    }

    /// <summary>The caller's resource with the id in a route; otherwise the 400 or 404 to answer.</summary>
    public async Task<(TSnapshot? Found, ProblemHttpResult? Problem)> FindAsync(string id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (known, problem) = await KnownIdAsync(id, cancellationToken);
        return known is { } found ? await FindAsync(found, user) : (null, problem);
    }

    /// <summary>The caller's resource with an id <see cref="KnownIdAsync"/> let through; otherwise the 404 to answer.</summary>
    public async Task<(TSnapshot? Found, ProblemHttpResult? Problem)> FindAsync(Guid id, ClaimsPrincipal user)
    {
        var resource = await kind.Read(Grain(id));
        return resource is not null && user.CanSee(kind.OwnerOf(resource)) ? (resource, null) : (null, NotFound(id));
    }

    /// <summary>The answer to a command its resource did not carry out: 404 when it does not exist (for the caller), 409 otherwise.</summary>
    public ProblemHttpResult Refused(Guid id, TaskCommandOutcome outcome, string? reason) =>
        outcome == TaskCommandOutcome.NotFound ? NotFound(id) : RouteProblems.Conflict(reason);

    /// <summary>404: no resource of this kind exists under <paramref name="id"/> (for the caller).</summary>
    public ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: $"{char.ToUpper(kind.Noun[0], CultureInfo.InvariantCulture)}{kind.Noun[1..]} not found",
        detail: $"No {kind.Noun} '{id}' exists.");
}
