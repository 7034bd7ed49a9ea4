using System.Globalization;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>A throwaway Azurite (in memory, free ports) and a target, shared by the integration tests.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly List<ServerProcess> _servers = [];

    public AzuriteProcess Azurite { get; private set; } = null!;

    public RecordingTarget Target { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var directory = AzuriteProcess.FindAzuriteDirectory(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("No azurite/ folder above the test output.");
        Azurite = await AzuriteProcess.StartAsync(directory, FreePorts.Consecutive(3), dataDirectory: null, _ => { });
        Target = await RecordingTarget.StartAsync();
    }

    /// <summary>
    /// Settings for a server on this Azurite. Servers given the same <paramref name="cluster"/> form one cluster
    /// and share its tasks; a fresh name isolates a test from the others.
    /// </summary>
    public Dictionary<string, string> SettingsFor(string cluster)
    {
        var siloPort = FreePorts.Consecutive(2);
        return new Dictionary<string, string>(TestTokens.ServerSettings)
        {
            ["ConnectionStrings:AzureStorage"] = Azurite.ConnectionString,
            ["TaskOrchestrator:Cluster:ClusterId"] = cluster,
            ["TaskOrchestrator:Cluster:ServiceId"] = cluster,
            ["TaskOrchestrator:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["TaskOrchestrator:Cluster:GatewayPort"] = (siloPort + 1).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Starts a server that is stopped (before Azurite) when the fixture is disposed.</summary>
    public async Task<ServerProcess> StartServerAsync(Dictionary<string, string> settings)
    {
        var server = await ServerProcess.StartAsync(settings);
        lock (_servers)
        {
            _servers.Add(server);
        }

        return server;
    }

    public async Task DisposeAsync()
    {
        // Silos first: one whose storage vanished hangs in shutdown.
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await Target.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
