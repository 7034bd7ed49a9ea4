using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace TaskOrchestrator.Testing;

/// <summary>
/// The real server (<c>TaskOrchestrator.Server.dll</c>) in its own process on a free loopback port, configured
/// through environment variables, so tests meet it exactly as a user does: over HTTP, stoppable and killable.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the REST API listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Everything the server printed so far.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>The exit code, once it has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the server with <paramref name="settings"/> (configuration keys, ':' separated) and waits until it answers HTTP.</summary>
    public static Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int? httpPort = null) =>
        StartAsync(settings, httpPort, command: ["dotnet"], readyLine: null);

    /// <summary>
    /// Starts the server as a terminal starts a command: as the leader of a process group of its own (its children
    /// join that group), with SIGINT handled as by default whatever the test runner ignores, so that
    /// <see cref="InterruptGroupAsync"/> is a Ctrl+C. Waits until it answers HTTP or, given <paramref name="readyLine"/>,
    /// until it prints a line containing that. Linux: <c>setsid</c> and GNU <c>env</c>.
    /// </summary>
    public static async Task<ServerProcess> StartInProcessGroupAsync(IReadOnlyDictionary<string, string> settings, string? readyLine = null)
    {
        // setsid and env each run the next command in their own place (setsid forks only for a group leader, which a
        // child of this process is not), so the process is the server's. A test runner started in the background of a
        // shell without job control ignores SIGINT, and its children inherit that: env restores the default.
        var server = await StartAsync(settings, httpPort: null, command: ["setsid", "env", "--default-signal=INT", "dotnet"], readyLine);
        var stat = File.ReadAllText($"/proc/{server.Id}/stat");
        var group = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]; // after "pid (name) ": state, parent, group
        if (group != server.Id.ToString(CultureInfo.InvariantCulture))
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"The server (pid {server.Id}) is not the leader of its process group ({group}).");
        }

        return server;
    }

    private static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int? httpPort, string[] command, string? readyLine)
    {
        var serverDll = typeof(Program).Assembly.Location;
        var port = httpPort ?? FreePorts.Consecutive(1);
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(serverDll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_URLS"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        var server = new ServerProcess(process, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) server._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server._output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} during start:\n{server.Tail()}");
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                await server.DisposeAsync();
                var awaited = readyLine is null ? "answer HTTP" : $"print '{readyLine}'";
                throw new TimeoutException($"The server did not {awaited} within 90 s:\n{server.Tail()}");
            }

            if (readyLine is not null)
            {
                if (server._output.Any(l => l.Contains(readyLine, StringComparison.Ordinal)))
                {
                    return server;
                }

                await Task.Delay(20);
                continue;
            }

            try
            {
                using var response = await probe.GetAsync(new Uri("/tasks", UriKind.Relative));
                return server;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>An HTTP client for the API that sends <paramref name="token"/> as its bearer token (none when null).</summary>
    public HttpClient CreateClient(string? token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Stops the server as a service manager would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The server did not stop after SIGTERM:\n{Tail()}");
        }
    }

    /// <summary>Sends SIGINT to the server's whole process group, as Ctrl+C in its terminal does (see <see cref="StartInProcessGroupAsync"/>).</summary>
    public async Task InterruptGroupAsync()
    {
        using var kill = Process.Start("kill", ["-INT", "--", $"-{_process.Id.ToString(CultureInfo.InvariantCulture)}"]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -INT -{_process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the server to exit; false if it is still running.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Kills the server without warning (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>The last lines the server printed, for failure messages.</summary>
    public string Tail(int lines = 60) => string.Join('\n', _output.TakeLast(lines));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
