using Microsoft.Extensions.DependencyInjection;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Client.Tests;

/// <summary>The real server process (memory storage, trusting <see cref="TestTokens"/>) and a target, shared by the client tests.</summary>
public sealed class ClientServerFixture : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];

    public ServerProcess Server { get; private set; } = null!;

    public RecordingTarget Target { get; private set; } = null!;

    /// <summary>A client for a fresh subject, made the way an application makes it: <c>AddTaskOrchestratorClient</c> and DI.</summary>
    public ITaskOrchestratorClient CreateClient(string? subject = null, string[]? roles = null)
    {
        var token = TestTokens.Create(subject ?? $"client-{Guid.NewGuid():N}", roles);
        var services = new ServiceCollection();
        services.AddTaskOrchestratorClient(o =>
        {
            o.BaseAddress = Server.BaseAddress;
            o.AccessToken = token;
        });
        var provider = services.BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider.GetRequiredService<ITaskOrchestratorClient>();
    }

    public async Task InitializeAsync()
    {
        Target = await RecordingTarget.StartAsync();
        var settings = ServerSettings.InMemory();
        Server = await ServerProcess.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await Server.StopAsync();
        await Server.DisposeAsync();
        await Target.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClientServerCollection : ICollectionFixture<ClientServerFixture>
{
    public const string Name = "Client against the server";
}
