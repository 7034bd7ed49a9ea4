using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Server.Limits;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>
/// What a request must pass before it is served: its subject's rates (<see cref="RateLimitOptions"/>, 429), then for the
/// routes that create or change something the node's admission (<see cref="AdmissionOptions"/>, 503); and at the create
/// routes, the owner's pending caps (<see cref="PendingLimitOptions"/>, 429).
/// </summary>
internal static class AdmissionExtensions
{
    public static IServiceCollection AddTaskAdmission(this IServiceCollection services)
    {
        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OrchestrationLimitOptions>().BindConfiguration(OrchestrationLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PendingQuota>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = SubjectRateLimits.OnRejectedAsync;
            o.AddPolicy<string, NodeAdmissionPolicy>(AdmissionOptions.PolicyName);
        });

        // The global limiter runs before the route's policy, so a subject over its rate never takes a place in the node's queue.
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, rates) => o.GlobalLimiter = SubjectRateLimits.Create(rates.Value));
        return services;
    }
}
