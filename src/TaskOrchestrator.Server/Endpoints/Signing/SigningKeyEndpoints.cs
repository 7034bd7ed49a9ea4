using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Server.OpenApi;

namespace TaskOrchestrator.Server.Endpoints.Signing;

/// <summary><c>GET /signing-keys</c>: the caller's own keys for verifying the calls its tasks make.</summary>
public static class SigningKeyEndpoints
{
    /// <summary>Maps <c>GET /signing-keys</c>, requiring a bearer token with a subject.</summary>
    public static IEndpointRouteBuilder MapSigningKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/signing-keys").RequireAuthorization(AuthExtensions.TaskOwnerPolicy).WithTags("Signing").ProducesProtectedRouteProblems();
        group.MapGet("/", Get).WithName("GetSigningKeys")
            .WithSummary("Your keys for verifying the calls your tasks make")
            .WithDescription(
                "The caller's own signing keys (base64, 32 bytes each), derived from the service's master keys and the token's subject: " +
                "a target holding them verifies the `v2=` entries of `TaskOrchestrator-Signature` on calls of this owner's tasks, and no other " +
                "owner's. Two keys while the service rotates its key: `current`, and `next`, which signs every call too and becomes current " +
                "once the old one is removed. Empty when the service has no signing key (its calls go unsigned). Answers `Cache-Control: no-store`.");
        return app;
    }

    private static Ok<SigningKeysResource> Get(ClaimsPrincipal user, OwnerSigningKeys keys, HttpContext context)
    {
        // Secrets: never kept by a cache on the way.
        context.Response.Headers.CacheControl = "no-store";
        var owner = user.Subject();
        var derived = keys.For(owner);
        return TypedResults.Ok(new SigningKeysResource(
            owner,
            DeliverySignature.OwnerHeaderValue(owner),
            "v2",
            [.. derived.Select((key, i) => new SigningKeyResource(Convert.ToBase64String(key), i == 0 ? "current" : "next"))]));
    }
}
