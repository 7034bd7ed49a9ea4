using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Benchmarks;

/// <summary>
/// The service being measured: started here (Azurite if needed, plus the real server process), or an existing one
/// given by <c>--url</c>; and the target that records when each call arrives.
/// </summary>
internal sealed class ServiceUnderTest : IAsyncDisposable
{
    // Of the server's log lines (UTC), so that a stall in a run can be matched to what the server logged then.
    private const string TimestampFormat = "HH:mm:ss.fff ";

    private AzuriteProcess? _azurite;
    private ServerProcess? _server;

    public HttpClient Api { get; private set; } = null!;

    public RecordingTarget Target { get; private set; } = null!;

    public string? AzuriteConnectionString => _azurite?.ConnectionString;

    public int? ServerProcessId => _server?.Id;

    public int? AzuriteProcessId => _azurite?.ProcessId;

    public static async Task<ServiceUnderTest> StartAsync(BenchmarkOptions options)
    {
        var service = new ServiceUnderTest { Target = await RecordingTarget.StartAsync(arrivalsOnly: true) };
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        if (options.Url is { } url)
        {
            service.Api = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
            service.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
            return service;
        }

        var siloPort = FreePorts.Consecutive(2);
        var settings = new Dictionary<string, string>(TestTokens.ServerSettings)
        {
            ["TaskOrchestrator:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["TaskOrchestrator:Cluster:GatewayPort"] = (siloPort + 1).ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = TimestampFormat,
            ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
        };
        if (options.Storage == "memory")
        {
            settings["TaskOrchestrator:Storage:Provider"] = "Memory";
        }
        else
        {
            var directory = AzuriteProcess.FindAzuriteDirectory(AppContext.BaseDirectory)
                ?? throw new InvalidOperationException("No azurite/ folder above the benchmark's output folder.");
            service._azurite = await AzuriteProcess.StartAsync(directory, FreePorts.Consecutive(3), dataDirectory: null, _ => { });
            settings["ConnectionStrings:AzureStorage"] = service._azurite.ConnectionString;
        }

        foreach (var (name, value) in options.ServerEnvironment)
        {
            settings[name] = value;
        }

        service._server = await ServerProcess.StartAsync(settings);
        service.Api = new HttpClient(handler) { BaseAddress = service._server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        service.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("benchmark", roles: ["admin"], expires: DateTime.UtcNow.AddDays(1)));
        return service;
    }

    /// <summary>The server's <c>/admin/stats</c>; <paramref name="gc"/> collects garbage first.</summary>
    public async Task<JsonObject> StatsAsync(bool gc = false) =>
        (await Api.GetFromJsonAsync<JsonObject>($"/admin/stats?gc={(gc ? "true" : "false")}"))!;

    /// <summary>
    /// Writes what the server printed (the benchmark starts it at level Warning; Orleans' silo lifecycle still logs at
    /// Information) to a file among the temporary files and says how many warnings and errors it has: a stall in a run
    /// is often explained there.
    /// </summary>
    public void SaveServerLog(TextWriter output)
    {
        if (_server is null)
        {
            return;
        }

        var lines = _server.Output.ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"taskorch-benchmark-server-{_server.Id}.log");
        File.WriteAllLines(path, lines);
        var warnings = lines.Count(l => Level(l) is "warn");
        var errors = lines.Count(l => Level(l) is "fail" or "crit");
        output.WriteLine($"server log: {warnings} warnings, {errors} errors, written to {path}");

        // A message's first line: "HH:mm:ss.fff warn: Category[id]" (the timestamp format set above).
        static string? Level(string line) =>
            line.Length > TimestampFormat.Length + 5 && line[TimestampFormat.Length + 4] == ':' && char.IsAsciiDigit(line[0])
                ? line.Substring(TimestampFormat.Length, 4)
                : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(TimeSpan.FromSeconds(120));
            await _server.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        await Target.DisposeAsync();
        Api.Dispose();
    }
}
