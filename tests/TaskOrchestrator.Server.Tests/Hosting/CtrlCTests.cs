using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Azure.Data.Tables;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Testing;
using Xunit.Abstractions;

namespace TaskOrchestrator.Server.Tests.Hosting;

/// <summary>
/// The quick start, stopped as a user stops it: a Development server with no connection string (so it runs its own
/// Azurite, on disk) in a process group of its own, as a terminal runs a command, and Ctrl+C sent to that whole group.
/// </summary>
public sealed class CtrlCTests(ITestOutputHelper output) : IAsyncLifetime
{
    // The orderly stop takes under a second on an idle machine; this leaves room for a loaded one.
    private static readonly TimeSpan ExitsWithin = TimeSpan.FromSeconds(10);

    private static readonly string[] ErrorMarks = ["Exception", "   at ", "Connection refused", "fail:", "crit:"];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"azurite-ctrlc-{Guid.NewGuid():N}");
    private readonly string _cluster = $"ctrlc-{Guid.NewGuid():N}";
    private readonly int _blobPort = FreePorts.Consecutive(3);
    private ServerProcess? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CtrlC_ToTheServersProcessGroup_ExitsWithinSecondsWithCleanOutputAndNoAzuriteLeft()
    {
        var server = await StartServerAsync();
        using (var client = server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}")))
        {
            // A task due later keeps a grain, its reminder and its row in play while the silo shuts down.
            using var created = await client.PostAsJsonAsync("/tasks", new { taskURL = "http://127.0.0.1:9/later", runAt = DateTimeOffset.UtcNow.AddHours(1) });
            Assert.True(created.IsSuccessStatusCode, $"POST /tasks answered {(int)created.StatusCode}");
        }

        var azurite = AzuriteProcessIds();
        var before = server.Output.Count;
        var clock = Stopwatch.StartNew();
        await server.InterruptGroupAsync();

        Assert.True(await server.WaitForExitAsync(ExitsWithin), $"The server was still running {ExitsWithin.TotalSeconds:0} s after Ctrl+C:\n{server.Tail()}");
        output.WriteLine($"Exited {clock.Elapsed.TotalSeconds:0.00} s after Ctrl+C, code {server.ExitCode}");
        Assert.Equal(0, server.ExitCode);
        var afterCtrlC = server.Output.Skip(before).ToList();
        var errors = afterCtrlC.Where(line => ErrorMarks.Any(mark => line.Contains(mark, StringComparison.Ordinal))).ToList();
        Assert.True(errors.Count == 0, $"Error output after Ctrl+C:\n{string.Join('\n', afterCtrlC)}");
        AssertGone(azurite);

        // Azurite stopped after the silo had left the cluster, in order, so its files say so.
        Assert.Equal("Dead", await SiloStatusOnDiskAsync());
    }

    [Fact]
    public async Task CtrlC_WhileTheSiloStarts_StopsOnceStartedWithCleanOutputAndNoAzuriteLeft()
    {
        var server = await StartServerAsync(waitUntil: "Silo starting");
        var azurite = AzuriteProcessIds();
        var before = server.Output.Count;
        await server.InterruptGroupAsync();

        // It finishes starting first: give it the time a start takes on a loaded machine.
        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"The server was still running 60 s after Ctrl+C:\n{server.Tail()}");
        var afterCtrlC = server.Output.Skip(before).ToList();
        Assert.True(server.ExitCode == 0, $"Exit code {server.ExitCode}:\n{string.Join('\n', afterCtrlC)}");
        Assert.Contains(afterCtrlC, l => l.Contains("Interrupted while starting", StringComparison.Ordinal));
        var errors = afterCtrlC.Where(line => ErrorMarks.Any(mark => line.Contains(mark, StringComparison.Ordinal))).ToList();
        Assert.True(errors.Count == 0, $"Error output after Ctrl+C:\n{string.Join('\n', afterCtrlC)}");
        AssertGone(azurite);
    }

    [Fact]
    public async Task CtrlC_SecondWhileShuttingDown_ExitsAtOnceAndKillsAzurite()
    {
        var server = await StartServerAsync();

        // A request whose body never comes: the orderly shutdown waits for it (up to the host's 30 s).
        using var request = await OpenRequestAwaitingItsBodyAsync(server);
        var azurite = AzuriteProcessIds();
        await server.InterruptGroupAsync();
        await Poll.UntilAsync(() => server.Output.Any(l => l.Contains("Application is shutting down", StringComparison.Ordinal)), ExitsWithin, "the shutdown to start");
        Assert.False(await server.WaitForExitAsync(TimeSpan.FromSeconds(1)), $"The shutdown did not wait for the open request:\n{server.Tail()}");
        Assert.True(
            azurite.All(IsOurAzurite) && await AcceptsConnectionsAsync(_blobPort + 2),
            $"The first Ctrl+C reached Azurite: it stopped while the server still needed it.\n{server.Tail()}");

        var clock = Stopwatch.StartNew();
        await server.InterruptGroupAsync();

        Assert.True(await server.WaitForExitAsync(ExitsWithin), $"The server was still running {ExitsWithin.TotalSeconds:0} s after the second Ctrl+C:\n{server.Tail()}");
        output.WriteLine($"Exited {clock.Elapsed.TotalSeconds:0.00} s after the second Ctrl+C, code {server.ExitCode}");
        Assert.Equal(130, server.ExitCode);
        await Poll.UntilAsync(() => IsGone(azurite), TimeSpan.FromSeconds(5), "Azurite to be gone after the second Ctrl+C");
    }

    [Fact]
    public async Task Kill_DevelopmentServer_AzuriteStopsByItself()
    {
        var server = await StartServerAsync();
        var azurite = AzuriteProcessIds();

        using (var kill = Process.Start("kill", ["-KILL", server.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.True(await server.WaitForExitAsync(ExitsWithin), "The server survived SIGKILL");
        await Poll.UntilAsync(() => IsGone(azurite), TimeSpan.FromSeconds(5), "Azurite to stop once its server was killed");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        // Whatever a failed test left behind: the start script and Azurite, found by their ports.
        foreach (var id in AzuriteProcessIds(required: false))
        {
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Gone meanwhile.
            }
        }

        await Poll.UntilAsync(() => !AzuriteProcess.IsListening(_blobPort + 2), TimeSpan.FromSeconds(10), "the test's Azurite to be gone");
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>Starts the server; with <paramref name="waitUntil"/>, returns as soon as it prints that, not once it answers HTTP.</summary>
    private async Task<ServerProcess> StartServerAsync(string? waitUntil = null)
    {
        var siloPort = FreePorts.Consecutive(2);
        var settings = new Dictionary<string, string>(TestTokens.ServerSettings)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["TaskOrchestrator:DevelopmentStorage:BlobPort"] = _blobPort.ToString(CultureInfo.InvariantCulture),
            ["TaskOrchestrator:DevelopmentStorage:DataDirectory"] = _dataDirectory,
            ["TaskOrchestrator:Cluster:ClusterId"] = _cluster,
            ["TaskOrchestrator:Cluster:ServiceId"] = _cluster,
            ["TaskOrchestrator:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["TaskOrchestrator:Cluster:GatewayPort"] = (siloPort + 1).ToString(CultureInfo.InvariantCulture),
        };
        _server = await ServerProcess.StartInProcessGroupAsync(settings, waitUntil);
        Assert.Contains(_server.Output, l => l.Contains($"Azurite is listening on 127.0.0.1:{_blobPort}", StringComparison.Ordinal));
        return _server;
    }

    /// <summary>The start script and Azurite itself: the processes whose command line names this test's blob port.</summary>
    private List<int> AzuriteProcessIds(bool required = true)
    {
        var ids = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var id) ? id : 0)
            .Where(id => id > 0 && IsOurAzurite(id))
            .ToList();
        Assert.True(!required || ids.Count == 2, $"Expected the start script and Azurite on port {_blobPort}; found pids [{string.Join(", ", ids)}].");
        return ids;
    }

    private bool IsOurAzurite(int id)
    {
        try
        {
            // Arguments are NUL-separated; a process that has exited (even one not yet reaped) has none.
            var arguments = File.ReadAllText($"/proc/{id}/cmdline").Split('\0');
            var at = Array.IndexOf(arguments, "--blobPort");
            return at >= 0 && at + 1 < arguments.Length && arguments[at + 1] == _blobPort.ToString(CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private bool IsGone(List<int> azurite) =>
        !azurite.Any(IsOurAzurite) && !Enumerable.Range(_blobPort, 3).Any(AzuriteProcess.IsListening);

    private void AssertGone(List<int> azurite)
    {
        var left = azurite.Where(IsOurAzurite).ToList();
        Assert.True(left.Count == 0, $"Azurite processes left behind: {string.Join(", ", left)}");
        foreach (var port in Enumerable.Range(_blobPort, 3))
        {
            Assert.False(AzuriteProcess.IsListening(port), $"Something still listens on Azurite's port {port}.");
        }
    }

    // Not AzuriteProcess.IsListening: its half-second limit can run out on a loaded machine, which says "no" wrongly.
    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A POST whose body the server is waiting for: it has answered <c>100 Continue</c>, so the endpoint runs.</summary>
    private static async Task<TcpClient> OpenRequestAwaitingItsBodyAsync(ServerProcess server)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = client.GetStream();
        var head = $"POST /tasks HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n" +
            $"Authorization: Bearer {TestTokens.Create($"user-{Guid.NewGuid():N}")}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await stream.ReadAtLeastAsync(buffer, "HTTP/1.1 100".Length, throwOnEndOfStream: false, timeout.Token);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);
        Assert.True(answer.StartsWith("HTTP/1.1 100", StringComparison.Ordinal), $"Expected 100 Continue; the server answered: {answer}");
        return client;
    }

    /// <summary>The silo's status in the membership table, read back from Azurite's files with an Azurite of the test's own.</summary>
    private async Task<string?> SiloStatusOnDiskAsync()
    {
        var directory = AzuriteProcess.FindAzuriteDirectory(AppContext.BaseDirectory)!;
        await using var azurite = await AzuriteProcess.StartAsync(directory, FreePorts.Consecutive(3), _dataDirectory, _ => { });
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("OrleansSiloInstances");
        var silos = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == _cluster))
        {
            if (row.ContainsKey("Status"))
            {
                silos.Add(row);
            }
        }

        return Assert.Single(silos).GetString("Status");
    }
}
