using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TaskOrchestrator.Server.OpenApi;

/// <summary>
/// Makes object schemas say what the JSON really holds. The API leaves out properties whose value is null
/// (<c>JsonIgnoreCondition.WhenWritingNull</c>), so a nullable property of a response record is not "required" as the
/// generator infers from the record's constructor; and a ProblemDetails carries extension members (<c>traceId</c>).
/// </summary>
internal sealed class JsonShapeSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo;
        if (context.JsonPropertyInfo is not null || type.Kind != JsonTypeInfoKind.Object)
        {
            return Task.CompletedTask;
        }

        if (schema.Required is { Count: > 0 } required)
        {
            foreach (var property in type.Properties)
            {
                if (property.IsGetNullable || Nullable.GetUnderlyingType(property.PropertyType) is not null)
                {
                    required.Remove(property.Name);
                }
            }
        }

        if (typeof(ProblemDetails).IsAssignableFrom(type.Type))
        {
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = null;
        }

        return Task.CompletedTask;
    }
}
