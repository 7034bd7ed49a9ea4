using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>
/// An Azurite emulator started from the repository's <c>azurite/</c> folder (installing it with <c>npm ci</c> on
/// first use), bound to loopback. Disposing it stops it; it also stops by itself when this process dies.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The well-known development account key every Azurite instance accepts.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        ConnectionString = ConnectionStringFor(blobPort, queuePort, tablePort);
    }

    /// <summary>The id of the process that runs Azurite (its start script; Azurite is that script's child).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The connection string of this instance.</summary>
    public string ConnectionString { get; }

    /// <summary>The connection string of an Azurite listening on 127.0.0.1 at these ports.</summary>
    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentAccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;");

    /// <summary>True when something accepts connections on 127.0.0.1 at <paramref name="port"/>.</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The repository's <c>azurite/</c> folder: the nearest one above <paramref name="start"/>.</summary>
    public static string? FindAzuriteDirectory(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "azurite");
            if (File.Exists(Path.Combine(candidate, "start.mjs")))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Installs Azurite if needed, starts it, and waits until its ports accept connections.</summary>
    /// <param name="azuriteDirectory">The folder holding <c>package.json</c> and <c>start.mjs</c>.</param>
    /// <param name="blobPort">The blob port; the queue and table ports follow it.</param>
    /// <param name="dataDirectory">Where to keep data; null keeps it in memory only.</param>
    /// <param name="log">Receives progress lines.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task<AzuriteProcess> StartAsync(
        string azuriteDirectory, int blobPort, string? dataDirectory, Action<string> log, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(azuriteDirectory, "node_modules", "azurite", "package.json")))
        {
            log($"Installing Azurite in {azuriteDirectory} (npm ci, first use only)...");
            await RunToEndAsync("npm", ["ci", "--no-audit", "--no-fund"], azuriteDirectory, cancellationToken);
        }

        int queuePort = blobPort + 1, tablePort = blobPort + 2;
        var arguments = new List<string>
        {
            "start.mjs", "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "--silent",
            "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
            "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
            "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
        };
        if (dataDirectory is null)
        {
            arguments.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(dataDirectory);
            arguments.AddRange(["--location", dataDirectory]);
        }

        var start = new ProcessStartInfo("node") { WorkingDirectory = azuriteDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ForEach(start.ArgumentList.Add);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node to run Azurite.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var azurite = new AzuriteProcess(process, blobPort, queuePort, tablePort);
        var deadline = Stopwatch.StartNew();
        while (!(IsListening(blobPort) && IsListening(queuePort) && IsListening(tablePort)))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await azurite.DisposeAsync();
                throw new InvalidOperationException(
                    $"Azurite did not start on ports {blobPort}-{tablePort} (exit code {(process.HasExited ? process.ExitCode : "none")}); see its output above.");
            }

            await Task.Delay(100, cancellationToken);
        }

        log($"Azurite is listening on 127.0.0.1:{blobPort}-{tablePort}.");
        return azurite;
    }

    /// <summary>Stops Azurite and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                // It is being killed; nothing more to do.
            }
        }

        _process.Dispose();
    }

    private static async Task RunToEndAsync(string fileName, string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', arguments)}' in {workingDirectory} failed with exit code {process.ExitCode}.");
        }
    }
}
