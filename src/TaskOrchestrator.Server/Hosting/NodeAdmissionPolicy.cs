using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>
/// The node-wide admission of the routes that create or change something (<see cref="AdmissionOptions"/>): one
/// concurrency limit with a queue; beyond the queue, 503 with Retry-After.
/// </summary>
internal sealed class NodeAdmissionPolicy(IOptions<AdmissionOptions> options) : IRateLimiterPolicy<string>
{
    private readonly AdmissionOptions _admission = options.Value;

    /// <inheritdoc />
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => WriteBusyAsync;

    /// <inheritdoc />
    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetConcurrencyLimiter("node", _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = _admission.MaxConcurrentWrites,
            QueueLimit = _admission.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

    private async ValueTask WriteBusyAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = _admission.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service busy",
                Detail = $"This node is taking as much scheduling work as it can; retry in {_admission.RetryAfterSeconds} s.",
            },
        });
    }
}
