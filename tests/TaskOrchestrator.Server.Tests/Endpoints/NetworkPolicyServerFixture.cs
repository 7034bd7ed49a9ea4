using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints;

/// <summary>
/// Two real servers whose network policy does not allow loopback as every other test server's does: <see cref="Blocking"/>
/// has the production default, <see cref="LocalhostAllowed"/> allows the host name <c>localhost</c> only. Plus a target on 127.0.0.1.
/// </summary>
public sealed class NetworkPolicyServerFixture : IAsyncLifetime
{
    public ServerProcess Blocking { get; private set; } = null!;

    public ServerProcess LocalhostAllowed { get; private set; } = null!;

    public RecordingTarget Target { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Target = await RecordingTarget.StartAsync();
        var blocking = WithoutLoopbackAllowed();
        var localhost = WithoutLoopbackAllowed();
        localhost["TaskOrchestrator:Delivery:Network:AllowedHosts:0"] = "localhost";
        var servers = await Task.WhenAll(ServerProcess.StartAsync(blocking), ServerProcess.StartAsync(localhost));
        (Blocking, LocalhostAllowed) = (servers[0], servers[1]);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in new[] { Blocking, LocalhostAllowed })
        {
            if (server is not null)
            {
                await server.StopAsync();
                await server.DisposeAsync();
            }
        }

        await Target.DisposeAsync();
    }

    private static Dictionary<string, string> WithoutLoopbackAllowed()
    {
        var settings = ServerSettings.InMemory();
        foreach (var key in TestTokens.LoopbackTargets.Keys)
        {
            settings.Remove(key);
        }

        return settings;
    }
}

[CollectionDefinition(Name)]
public sealed class NetworkPolicyServerCollection : ICollectionFixture<NetworkPolicyServerFixture>
{
    public const string Name = "Network policy servers";
}
