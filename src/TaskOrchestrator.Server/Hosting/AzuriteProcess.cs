using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>
/// An Azurite emulator started from the repository's <c>azurite/</c> folder (installing it with <c>npm ci</c> on
/// first use), bound to loopback, owned by this process: a Ctrl+C in this process's terminal does not reach it
/// (see <c>start.mjs --parent-pid</c>). Disposing it stops it in an orderly way; it is killed when this process
/// exits first, and stops by itself when this process dies.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The well-known development account key every Azurite instance accepts.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // An orderly stop writes the data files; on disk they can take a moment.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    // Once its three services say they closed (their data written), the node process should exit at once; one that
    // lingers past this (an open handle keeps node's event loop alive) is killed rather than waited for.
    private static readonly TimeSpan LingerAfterClosed = TimeSpan.FromSeconds(1);
    private const int Services = 3;

    private readonly Process _process;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closedServices;
    private int _disposed;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        ConnectionString = ConnectionStringFor(blobPort, queuePort, tablePort);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
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

        // Standard input is the stop signal: start.mjs stops Azurite when it closes, and it closes when this process dies.
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = azuriteDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        arguments.ForEach(start.ArgumentList.Add);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node to run Azurite.");
        var azurite = new AzuriteProcess(process, blobPort, queuePort, tablePort);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) azurite.OnOutput(e.Data, log); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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

    /// <summary>
    /// Stops Azurite at once (SIGKILL to it and its start script): it does not write its data files. Best effort: one
    /// that cannot be killed stops by itself once this process is gone.
    /// </summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already disposed: it has stopped.
        }
        catch (AggregateException)
        {
            // Some process of the tree could not be killed (it exited meanwhile, or is not ours to kill).
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // The same, for the start script itself.
        }
    }

    // Azurite's own output, passed on; counts the services that say they closed.
    private void OnOutput(string line, Action<string> log)
    {
        log(line);
        if (line.Contains("service successfully closed", StringComparison.Ordinal) && Interlocked.Increment(ref _closedServices) == Services)
        {
            _closed.TrySetResult();
        }
    }

    /// <summary>Asks Azurite to stop (it writes its data files first) and waits for it; kills it if it takes over 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The script has exited already.
        }

        using var wait = new CancellationTokenSource(StopTimeout);
        var exited = _process.WaitForExitAsync(wait.Token);
        var closed = _closed.Task.ContinueWith(_ => Task.Delay(LingerAfterClosed), TaskScheduler.Default).Unwrap();
        try
        {
            if (await Task.WhenAny(exited, closed) != exited)
            {
                wait.Cancel();
            }

            await exited;
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _process.Dispose();
    }

    // Environment.Exit (a second Ctrl+C) does not wait for the orderly stop: take Azurite along rather than leave it
    // running until it notices this process is gone.
    private void OnProcessExit(object? sender, EventArgs e) => Kill();

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
