using Microsoft.AspNetCore.Http.Features;
using TaskOrchestrator.Server.Hosting;

namespace TaskOrchestrator.Server.Errors;

/// <summary>Refuses request bodies over 256 KiB with 413 and a ProblemDetails body, before any of it is read.</summary>
internal sealed class RequestSizeLimitMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > TaskOrchestratorHostExtensions.MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = $"The request body may be at most {TaskOrchestratorHostExtensions.MaxRequestBodyBytes / 1024} KiB.",
                },
            });
            return;
        }

        // Chunked bodies have no length up front; Kestrel stops them at the same limit while they are read.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = TaskOrchestratorHostExtensions.MaxRequestBodyBytes;
        }

        await next(context);
    }
}
