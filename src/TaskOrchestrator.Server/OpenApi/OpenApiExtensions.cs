using Scalar.AspNetCore;

namespace TaskOrchestrator.Server.OpenApi;

/// <summary>
/// The OpenAPI document (<c>Microsoft.AspNetCore.OpenApi</c>) at <see cref="DocumentPath"/> and the Scalar reference page
/// at <see cref="ReferencePath"/>, both anonymous: they describe the API, they do not open it.
/// </summary>
public static class OpenApiExtensions
{
    /// <summary>The document's name (its path is <c>/openapi/{name}.json</c>).</summary>
    public const string DocumentName = "v1";

    /// <summary>Where the OpenAPI document is served.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>Where the interactive reference page is served.</summary>
    public const string ReferencePath = "/scalar";

    /// <summary>Generates the document with its bearer scheme, problem responses and examples.</summary>
    public static IServiceCollection AddTaskOrchestratorOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<ApiDocumentTransformer>();
            options.AddOperationTransformer<ApiOperationTransformer>();
            options.AddSchemaTransformer<JsonShapeSchemaTransformer>();
            options.AddSchemaTransformer<ExampleSchemaTransformer>();
        });

    /// <summary>Maps the document and the reference page.</summary>
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("TaskOrchestrator API")
                .WithOpenApiRoutePattern(DocumentPath)
                .AddPreferredSecuritySchemes(ApiDocumentTransformer.BearerScheme))
            .AllowAnonymous();
        return app;
    }
}
