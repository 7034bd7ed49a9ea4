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

        // A host whose task store files no expiry rows (tests that bring their own) still runs an empty sweep.
        services.TryAddSingleton<IExpiryIndex, InMemoryExpiryIndex>();
        return services;
    }

    /// <summary>Starts the retention sweep (<see cref="IRetentionSweepGrain"/>) once the silo is up: its reminder keeps it going.</summary>
    public static ISiloBuilder AddRetentionSweep(this ISiloBuilder silo) =>
        silo.AddStartupTask((services, _) => services.GetRequiredService<IGrainFactory>().GetGrain<IRetentionSweepGrain>(0).StartAsync());
}
