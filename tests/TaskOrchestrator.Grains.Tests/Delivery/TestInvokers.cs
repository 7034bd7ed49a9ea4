using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Telemetry;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Delivery;

/// <summary>
/// Builds real <see cref="TaskHttpInvoker"/>s wired as production wires them (the network policy's connector, the
/// signers), with the given settings, and disposes what they use.
/// </summary>
internal sealed class TestInvokers : IAsyncDisposable
{
    /// <summary>The network policy of tests whose target is on loopback.</summary>
    public static readonly TargetNetworkOptions LoopbackAllowed = new() { AllowedNetworks = [.. TestTokens.LoopbackTargets.Values] };

    private readonly List<ServiceProvider> _providers = [];

    /// <summary>
    /// An invoker; unset settings are the defaults, except the network policy, which allows loopback.
    /// <paramref name="primaryHandler"/> replaces the production handler (and with it the network policy).
    /// </summary>
    public TaskHttpInvoker Create(
        DeliveryOptions? delivery = null,
        SigningOptions? signing = null,
        AwsSigningOptions? aws = null,
        TargetNetworkOptions? network = null,
        TimeProvider? time = null,
        Func<HttpMessageHandler>? primaryHandler = null,
        ILogger<TargetConnector>? connectorLogger = null)
    {
        var services = new ServiceCollection().AddMetrics();
        services.AddSingleton(Options.Create(signing ?? new SigningOptions()))
            .AddSingleton(Options.Create(aws ?? new AwsSigningOptions()))
            .AddSingleton(time ?? TimeProvider.System)
            .AddSingleton<AwsHostAllowlist>()
            .AddSingleton<AwsRequestSigner>()
            .AddSingleton<OwnerSigningKeys>()
            .AddSingleton<RequestSigner>();
        var connector = new TargetConnector(new TargetAddressPolicy(Options.Create(network ?? LoopbackAllowed)), connectorLogger ?? NullLogger<TargetConnector>.Instance);
        services.AddHttpClient(DeliveryOptions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(primaryHandler ?? connector.CreateHandler);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return new TaskHttpInvoker(
            provider.GetRequiredService<IHttpClientFactory>(),
            Options.Create(delivery ?? new DeliveryOptions()),
            new TaskOrchestratorMetrics(provider.GetRequiredService<IMeterFactory>()),
            provider.GetRequiredService<RequestSigner>());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}
