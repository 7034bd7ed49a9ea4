using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskOrchestrator.Server.Errors;

/// <summary>
/// The answer to a create whose write storage did not confirm (a timeout, storage unreachable mid-write): the resource
/// may or may not exist. It names the id, so the client can look, and says how to retry without creating a second one.
/// </summary>
internal static class UnknownOutcome
{
    /// <summary>503 with Retry-After, the id and where to look, and the advice to retry with the same Idempotency-Key.</summary>
    public static ProblemHttpResult Problem(HttpContext context, string kind, Guid id, string location)
    {
        context.Response.Headers.RetryAfter = Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Outcome unknown",
            detail: $"The {kind} {id} may or may not have been created: storage did not confirm the write in time. GET {location} " +
                    $"tells whether it exists. Repeating this request with the same Idempotency-Key header is safe; without one it may create a second {kind}.",
            extensions: new Dictionary<string, object?> { ["id"] = id, ["location"] = location });
    }
}
