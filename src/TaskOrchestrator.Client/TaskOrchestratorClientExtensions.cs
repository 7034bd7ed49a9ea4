using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Client.Http;

namespace TaskOrchestrator.Client;

/// <summary>Registers <see cref="ITaskOrchestratorClient"/> as a typed client of <c>IHttpClientFactory</c>.</summary>
public static class TaskOrchestratorClientExtensions
{
    /// <summary>
    /// Registers <see cref="ITaskOrchestratorClient"/> with the base address and token that <paramref name="configure"/> sets.
    /// Returns the client's <see cref="IHttpClientBuilder"/>, to add handlers or resilience (e.g. <c>AddStandardResilienceHandler()</c>).
    /// </summary>
    public static IHttpClientBuilder AddTaskOrchestratorClient(this IServiceCollection services, Action<TaskOrchestratorClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddTaskOrchestratorClient((_, options) => configure(options));
    }

    /// <summary>As <see cref="AddTaskOrchestratorClient(IServiceCollection, Action{TaskOrchestratorClientOptions})"/>, with the application's services at hand (e.g. its configuration).</summary>
    public static IHttpClientBuilder AddTaskOrchestratorClient(this IServiceCollection services, Action<IServiceProvider, TaskOrchestratorClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<TaskOrchestratorClientOptions>()
            .Configure<IServiceProvider>((options, provider) => configure(provider, options))
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "TaskOrchestratorClientOptions.BaseAddress must be an absolute URI.");
        services.TryAddTransient<BearerTokenHandler>();
        return services
            .AddHttpClient<ITaskOrchestratorClient, TaskOrchestratorClient>((provider, http) =>
            {
                // Paths are relative ("tasks/…"): a base address without a trailing slash would lose its last segment.
                var address = provider.GetRequiredService<IOptions<TaskOrchestratorClientOptions>>().Value.BaseAddress!.ToString();
                http.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
            })
            .AddHttpMessageHandler<BearerTokenHandler>();
    }
}
