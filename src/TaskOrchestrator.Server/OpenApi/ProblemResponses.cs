namespace TaskOrchestrator.Server.OpenApi;

/// <summary>The ProblemDetails answers that whole families of routes share, declared for the OpenAPI document.</summary>
public static class ProblemResponses
{
    /// <summary>401 (no or bad token), 403 (token lacks what the route needs), 503 (saturated, or cluster or storage not answering).</summary>
    public static RouteGroupBuilder ProducesProtectedRouteProblems(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>429 (over the caller's request rate, or at a create route its pending cap): the routes that per-subject limits apply to.</summary>
    public static RouteGroupBuilder ProducesLimitProblems(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>413 (body over 256 KiB) and 415 (body not JSON): what every route with a JSON body may answer.</summary>
    public static RouteHandlerBuilder ProducesBodyProblems(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
}
