using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Server.Auth;

namespace TaskOrchestrator.Server.Limits;

/// <summary>
/// The per-subject token buckets of <see cref="RateLimitOptions"/>, as the rate limiter's global limiter: it runs before
/// the node-wide admission of the write routes, so a subject over its rate is refused without taking one of the node's
/// places. Requests without a bearer subject (health, metrics, the dashboard) and admins' requests are not limited.
/// </summary>
internal static class SubjectRateLimits
{
    /// <summary>The limiter: one write and one read bucket per subject, dropped by the runtime once full and idle.</summary>
    public static PartitionedRateLimiter<HttpContext> Create(RateLimitOptions rates) =>
        PartitionedRateLimiter.Create<HttpContext, Partition>(context =>
        {
            var user = context.User;
            if (user.Identity?.IsAuthenticated != true || user.FindFirst(TaskClaims.SubjectClaim)?.Value is not { } subject || user.IsAdmin())
            {
                return RateLimitPartition.GetNoLimiter(Partition.Unlimited);
            }

            return IsWrite(context.Request)
                ? RateLimitPartition.GetTokenBucketLimiter(new Partition(subject, Write: true), _ => Bucket(rates.WritesPerSecond, rates.WriteBurst))
                : RateLimitPartition.GetTokenBucketLimiter(new Partition(subject, Write: false), _ => Bucket(rates.ReadsPerSecond, rates.ReadBurst));
        });

    /// <summary>429 with Retry-After and a ProblemDetails naming the limit the request went over.</summary>
    public static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var rates = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        var (name, perSecond, burst) = IsWrite(http.Request)
            ? ("write rate", rates.WritesPerSecond, rates.WriteBurst)
            : ("read rate", rates.ReadsPerSecond, rates.ReadBurst);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = $"Over the {name} limit",
                Detail = string.Create(
                    CultureInfo.InvariantCulture,
                    $"This token's subject is over its {name} on this node: {perSecond} requests per second, in bursts of up to {burst}; retry in {retryAfter} s."),
            },
        });
    }

    // Reads are GET (and HEAD, OPTIONS); everything else creates, changes or cancels something.
    private static bool IsWrite(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method);

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
    };

    /// <summary>A subject's bucket of one kind; <see cref="Unlimited"/> for requests that are not limited.</summary>
    private readonly record struct Partition(string Subject, bool Write)
    {
        public static readonly Partition Unlimited = new("", Write: false);
    }
}
