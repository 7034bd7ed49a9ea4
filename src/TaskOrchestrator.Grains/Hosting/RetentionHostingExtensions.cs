using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Hosting;

/// <summary>The services of completion callbacks and retention.</summary>
internal static class RetentionHostingExtensions
{
    /// <summary>Adds <see cref="RetentionOptions"/>, the callback sender and its default body (a host with a gateway supplies the API's).</summary>
    public static IServiceCollection AddRetentionAndCallbacks(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<CallbackRetentionMetrics>();
        services.TryAddSingleton<ICallbackBodies, SnapshotCallbackBodies>();
        services.TryAddSingleton<CallbackSender>();
        return services;
    }
}
