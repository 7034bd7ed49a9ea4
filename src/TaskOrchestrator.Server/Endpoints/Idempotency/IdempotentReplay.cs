using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace TaskOrchestrator.Server.Endpoints.Idempotency;

/// <summary>200 with the resource and <c>Idempotent-Replayed: true</c>: the answer to a repeated create request.</summary>
/// <typeparam name="TValue">The resource, shaped as its GET route shows it.</typeparam>
public sealed class IdempotentReplay<TValue> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>
{
    internal IdempotentReplay(TValue value) => Value = value;

    /// <summary>The resource as it is now.</summary>
    public TValue Value { get; }

    object? IValueHttpResult.Value => Value;

    /// <summary>Always 200.</summary>
    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers[IdempotentCreation.ReplayedHeader] = "true";
        return TypedResults.Ok(Value).ExecuteAsync(httpContext);
    }

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TValue), ["application/json"]));
    }
}
