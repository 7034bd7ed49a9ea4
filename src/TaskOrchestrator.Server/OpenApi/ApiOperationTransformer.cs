using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using TaskOrchestrator.Server.Endpoints.Idempotency;

namespace TaskOrchestrator.Server.OpenApi;

/// <summary>
/// What every operation shares and the generator cannot infer: the bearer requirement on protected routes, the <c>id</c>
/// path parameter's format, and the response headers (<c>Location</c> on 201, <c>Idempotent-Replayed</c> on a create's 200, <c>Link</c> on listings, <c>Retry-After</c> on 503).
/// </summary>
internal sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var protectedRoute = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        if (protectedRoute)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiDocumentTransformer.BearerScheme, context.Document)] = [],
            });
        }

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter is { In: ParameterLocation.Path, Name: "id" })
            {
                parameter.Description ??= "The id (a GUID) the resource was created with.";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" };
            }
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            switch (status)
            {
                case "201":
                    AddHeader(concrete, "Location", "The new resource's path, e.g. `/tasks/{id}`.");
                    break;
                case "200" when operation.OperationId?.StartsWith("Create", StringComparison.Ordinal) == true:
                    AddHeader(concrete, IdempotentCreation.ReplayedHeader, "`true`: this repeats an earlier request with the same `Idempotency-Key`; the body is the resource as it is now.");
                    break;
                case "200" when operation.OperationId?.StartsWith("List", StringComparison.Ordinal) == true:
                    AddHeader(concrete, "Link", "`<path?…&after=cursor>; rel=\"next\"` while more items remain; absent on the last page.");
                    break;
                case "503" when protectedRoute:
                    AddHeader(concrete, "Retry-After", "Seconds to wait before retrying.");
                    break;
            }
        }

        // Group-wide answers are added before each route's own: list them all in status order.
        if (operation.Responses is { Count: > 1 } responses)
        {
            var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            responses.Clear();
            foreach (var (status, response) in sorted)
            {
                responses[status] = response;
            }
        }

        return Task.CompletedTask;
    }

    private static void AddHeader(OpenApiResponse response, string name, string description)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }
}
