using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>Load shedding for the routes that create or change tasks (see <see cref="AdmissionOptions"/>).</summary>
internal static class AdmissionExtensions
{
    public static IServiceCollection AddTaskAdmission(this IServiceCollection services)
    {
        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            o.AddPolicy(AdmissionOptions.PolicyName, context =>
            {
                var admission = context.RequestServices.GetRequiredService<IOptions<AdmissionOptions>>().Value;
                return RateLimitPartition.GetConcurrencyLimiter("node", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = admission.MaxConcurrentWrites,
                    QueueLimit = admission.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
            });
            o.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var admission = http.RequestServices.GetRequiredService<IOptions<AdmissionOptions>>().Value;
                http.Response.Headers.RetryAfter = admission.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status503ServiceUnavailable,
                        Title = "Service busy",
                        Detail = $"This node is taking as much scheduling work as it can; retry in {admission.RetryAfterSeconds} s.",
                    },
                });
            };
        });
        return services;
    }
}
