using Microsoft.AspNetCore.Http.HttpResults;

namespace TaskOrchestrator.Server.Endpoints;

/// <summary>The ProblemDetails answers that resource routes share.</summary>
internal static class RouteProblems
{
    /// <summary>400: a route's id or query is malformed, as <paramref name="detail"/> says.</summary>
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    /// <summary>409: the resource's state does not allow the command, as <paramref name="detail"/> says.</summary>
    public static ProblemHttpResult Conflict(string? detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);
}
