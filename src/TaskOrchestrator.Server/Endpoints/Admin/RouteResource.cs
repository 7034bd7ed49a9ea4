namespace TaskOrchestrator.Server.Endpoints.Admin;

/// <summary>One route this node serves.</summary>
/// <param name="Pattern">The route pattern as mapped, e.g. <c>/tasks/{id}</c>.</param>
/// <param name="Methods">The HTTP methods it answers; empty means any.</param>
/// <param name="Name">The endpoint's name (the OpenAPI operation id), if it has one.</param>
/// <param name="Documented">False when the route is excluded from the OpenAPI document.</param>
public sealed record RouteResource(string Pattern, string[] Methods, string? Name, bool Documented);
