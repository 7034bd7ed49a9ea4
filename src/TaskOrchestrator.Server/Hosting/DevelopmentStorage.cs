using TaskOrchestrator.Hosting;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>
/// In Development, when no storage connection string is configured, starts Azurite from the repository's
/// <c>azurite/</c> folder (data under <c>azurite/data</c>), out of reach of the terminal's Ctrl+C, and stops it in
/// order once the silo has left the cluster (see <see cref="AzuriteProcess"/>, <see cref="CtrlCLifetime"/>). Section
/// <c>TaskOrchestrator:DevelopmentStorage</c>: <c>BlobPort</c> (default 10000; queue and table use the next two)
/// and <c>DataDirectory</c>.
/// </summary>
internal static class DevelopmentStorage
{
    private const string SectionName = "TaskOrchestrator:DevelopmentStorage";

    public static void StartAzuriteIfNeeded(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var provider = configuration.GetValue($"{StorageOptions.SectionName}:Provider", StorageProvider.AzureStorage);
        if (!builder.Environment.IsDevelopment()
            || provider != StorageProvider.AzureStorage
            || !string.IsNullOrWhiteSpace(configuration.GetConnectionString(StorageOptions.ConnectionStringName)))
        {
            return;
        }

        var blobPort = configuration.GetValue($"{SectionName}:BlobPort", 10000);
        var connectionString = AzuriteProcess.ConnectionStringFor(blobPort, blobPort + 1, blobPort + 2);
        configuration[$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = connectionString;
        if (AzuriteProcess.IsListening(blobPort + 2))
        {
            Console.WriteLine($"[dev-storage] Port {blobPort + 2} is already open: using the Azurite listening there.");
            return;
        }

        var directory = AzuriteProcess.FindAzuriteDirectory(builder.Environment.ContentRootPath)
            ?? throw new InvalidOperationException(
                "Development storage: no azurite/ folder above the content root, and no ConnectionStrings:AzureStorage set.");
        var dataDirectory = configuration[$"{SectionName}:DataDirectory"] ?? Path.Combine(directory, "data");
        var azurite = AzuriteProcess.StartAsync(directory, blobPort, dataDirectory, line => Console.WriteLine($"[azurite] {line}"))
            .GetAwaiter().GetResult();

        // Registered before the silo, so it is stopped after it: a silo whose storage vanished hangs on shutdown.
        builder.Services.AddHostedService(_ => new AzuriteLifetime(azurite));
    }

    private sealed class AzuriteLifetime(AzuriteProcess azurite) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken) => await azurite.DisposeAsync();
    }
}
