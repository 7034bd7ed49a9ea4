using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests;

/// <summary>One real server process with in-memory storage, trusting <see cref="TestTokens"/>, and a target to call.</summary>
public sealed class MemoryServerFixture : IAsyncLifetime
{
    /// <summary>The key the server signs its calls with.</summary>
    public const string SigningKey = "memory-server-signing-key-0123456789abcdef";

    public ServerProcess Server { get; private set; } = null!;

    public RecordingTarget Target { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Target = await RecordingTarget.StartAsync();
        var settings = ServerSettings.InMemory();
        settings["TaskOrchestrator:Delivery:Signing:Keys:0"] = SigningKey;
        Server = await ServerProcess.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Server.StopAsync();
        await Server.DisposeAsync();
        await Target.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class MemoryServerCollection : ICollectionFixture<MemoryServerFixture>
{
    public const string Name = "Memory server";
}
