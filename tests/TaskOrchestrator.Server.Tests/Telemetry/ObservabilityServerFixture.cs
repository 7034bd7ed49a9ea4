using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Telemetry;

/// <summary>
/// A server of its own (memory storage, Debug logging for the TaskOrchestrator categories) for the tests that read its
/// output and its metrics, so no other collection's tasks move its counters. Tests here leave no task unfinished.
/// </summary>
public sealed class ObservabilityServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public RecordingTarget Target { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Target = await RecordingTarget.StartAsync();
        var settings = ServerSettings.InMemory();
        settings["Logging:LogLevel:TaskOrchestrator"] = "Debug";
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
public sealed class ObservabilityServerCollection : ICollectionFixture<ObservabilityServerFixture>
{
    public const string Name = "Observability server";
}
