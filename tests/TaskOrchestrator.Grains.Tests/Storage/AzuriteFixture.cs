using System.Collections.Concurrent;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>One Azurite, in memory only, on free loopback ports: started before the first test of a class, stopped after its last.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _log = new();
    private AzuriteProcess? _azurite;

    /// <summary>The connection string of this Azurite.</summary>
    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var directory = AzuriteProcess.FindAzuriteDirectory(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException($"No azurite/ folder with start.mjs above {AppContext.BaseDirectory}.");
        try
        {
            _azurite = await AzuriteProcess.StartAsync(directory, FreePorts.Consecutive(3), dataDirectory: null, _log.Enqueue);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}{Environment.NewLine}Azurite said:{Environment.NewLine}{string.Join(Environment.NewLine, _log)}", e);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
