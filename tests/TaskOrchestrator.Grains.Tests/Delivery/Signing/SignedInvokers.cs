using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Grains.Tests.Delivery.Signing;

/// <summary>Builds real <see cref="TaskHttpInvoker"/>s with the given signing configuration, and disposes what they use.</summary>
internal sealed class SignedInvokers : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    public TaskHttpInvoker Create(SigningOptions signing, AwsSigningOptions? aws = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection().AddMetrics();
        services.AddHttpClient(DeliveryOptions.HttpClientName);
        services.AddSingleton(Options.Create(signing))
            .AddSingleton(Options.Create(aws ?? new AwsSigningOptions()))
            .AddSingleton(time ?? TimeProvider.System)
            .AddSingleton<AwsRequestSigner>()
            .AddSingleton<RequestSigner>();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return new TaskHttpInvoker(
            provider.GetRequiredService<IHttpClientFactory>(),
            Options.Create(new DeliveryOptions()),
            new TaskOrchestratorMetrics(provider.GetRequiredService<IMeterFactory>()),
            provider.GetRequiredService<RequestSigner>());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}
