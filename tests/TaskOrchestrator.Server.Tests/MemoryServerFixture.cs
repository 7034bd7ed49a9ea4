using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests;

/// <summary>One real server process with in-memory storage, trusting <see cref="TestTokens"/>, and a target to call.</summary>
public sealed class MemoryServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public RecordingTarget Target { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Target = await RecordingTarget.StartAsync();
        var settings = ServerSettings.InMemory();
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
