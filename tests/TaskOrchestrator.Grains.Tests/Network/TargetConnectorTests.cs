using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Grains.Tests.Delivery;
using TaskOrchestrator.Network;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Network;

/// <summary>The delivery client as production builds it, calling a real target on 127.0.0.1 by name and by address.</summary>
public sealed class TargetConnectorTests : IAsyncLifetime
{
    private readonly TestInvokers _invokers = new();
    private RecordingTarget _target = null!;

    public async Task InitializeAsync() => _target = await RecordingTarget.StartAsync();

    public async Task DisposeAsync()
    {
        await _invokers.DisposeAsync();

        await _target.DisposeAsync();
    }

    [Fact]
    public async Task InvokeAsync_HostResolvingToLoopback_FailsBlockedWithoutCalling()
    {
        var url = LocalhostUrl();
        var log = new RecordingLogger<TargetConnector>();

        var response = await _invokers.Create(network: new TargetNetworkOptions(), connectorLogger: log)
            .InvokeAsync(Guid.NewGuid(), 1, Definition(url), CancellationToken.None);

        Assert.Null(response.StatusCode);
        Assert.Equal(DeliveryFailure.Blocked, response.Failure);
        Assert.Equal(
            "Refused to connect to localhost: it resolves to no address the network policy allows (allow it under TaskOrchestrator:Delivery:Network).",
            response.Error);
        Assert.Empty(_target.CallsTo(url));

        // The owner learns only that the name is blocked; what it resolved to goes to the operator's log.
        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("localhost", warning.Message, StringComparison.Ordinal);
        Assert.Matches("127\\.0\\.0\\.1|::1", warning.Message);
        Assert.Contains("a loopback address", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_LiteralLoopback_FailsBlockedWithoutCalling()
    {
        var url = _target.UrlFor("ok");

        var response = await Invoker(new TargetNetworkOptions()).InvokeAsync(Guid.NewGuid(), 1, Definition(url), CancellationToken.None);

        Assert.Equal(DeliveryFailure.Blocked, response.Failure);
        Assert.Equal(
            "Refused to connect to 127.0.0.1: it is a loopback address, which the network policy blocks (allow it under TaskOrchestrator:Delivery:Network).",
            response.Error);
        Assert.Empty(_target.CallsTo(url));
    }

    [Fact]
    public async Task InvokeAsync_HostAllowed_Calls()
    {
        var url = LocalhostUrl();

        var response = await Invoker(new TargetNetworkOptions { AllowedHosts = ["localhost"] }).InvokeAsync(Guid.NewGuid(), 1, Definition(url), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Single(_target.CallsTo(url));
    }

    [Fact]
    public async Task InvokeAsync_NetworkAllowed_Calls()
    {
        var url = LocalhostUrl();

        var response = await Invoker(new TargetNetworkOptions { AllowedNetworks = ["127.0.0.0/8"] }).InvokeAsync(Guid.NewGuid(), 1, Definition(url), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Single(_target.CallsTo(url));
    }

    [Fact]
    public async Task InvokeAsync_Redirect_IsTheOutcomeAndNotFollowed()
    {
        // A target that redirects to the metadata address: the 302 is the answer, the redirect is never followed.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var answered = AnswerOnceAsync(listener, "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/redirect";

        var response = await Invoker(new TargetNetworkOptions { AllowedNetworks = ["127.0.0.0/8"] }).InvokeAsync(Guid.NewGuid(), 1, Definition(url), CancellationToken.None);
        await answered;

        Assert.Equal(302, response.StatusCode);
        Assert.Null(response.Failure);
    }

    private string LocalhostUrl() => new UriBuilder(_target.UrlFor("ok")) { Host = "localhost" }.Uri.ToString();

    private static TaskDefinition Definition(string url) => new("tester", url, "GET", null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private TaskHttpInvoker Invoker(TargetNetworkOptions network) => _invokers.Create(network: network);

    private static async Task AnswerOnceAsync(TcpListener listener, byte[] rawResponse)
    {
        using var connection = await listener.AcceptTcpClientAsync();
        var stream = connection.GetStream();
        var buffer = new byte[4096];
        _ = await stream.ReadAsync(buffer);
        await stream.WriteAsync(rawResponse);
    }
}
