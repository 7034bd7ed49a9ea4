using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests;

/// <summary>One real server process with in-memory storage, trusting <see cref="TestTokens"/>, and a target to call.</summary>
public sealed class MemoryServerFixture : IAsyncLifetime
{
    /// <summary>The AWS region of the server's SigV4 signing: its default allowlist is <c>*.lambda-url.us-east-1.on.aws</c>.</summary>
    public const string AwsRegion = "us-east-1";

    /// <summary>The master key the server signs its calls with.</summary>
    public const string SigningKey = "memory-server-signing-key-0123456789abcdef";

    /// <summary>The second master key, as during a rotation: every call carries a signature with each.</summary>
    public const string NextSigningKey = "memory-server-next-signing-key-0123456789";

    public ServerProcess Server { get; private set; } = null!;

    public RecordingTarget Target { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Target = await RecordingTarget.StartAsync();
        var settings = ServerSettings.InMemory();
        settings["TaskOrchestrator:Delivery:Signing:Keys:0"] = SigningKey;
        settings["TaskOrchestrator:Delivery:Signing:Keys:1"] = NextSigningKey;
        settings["TaskOrchestrator:Delivery:Aws:Region"] = AwsRegion;
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
