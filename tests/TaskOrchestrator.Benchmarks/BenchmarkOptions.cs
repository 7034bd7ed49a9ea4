using System.Globalization;

namespace TaskOrchestrator.Benchmarks;

/// <summary>The command line: <c>&lt;scenario&gt; [--rate N] [--seconds N] [--count N] [--within N] [--delay-ms N] [--storage azure|memory] [--url U --token T] [--out file.json] [--cron EXPR]</c>.</summary>
internal sealed record BenchmarkOptions(
    string Scenario,
    double Rate,
    int Seconds,
    int Count,
    int Within,
    int DelayMs,
    string Storage,
    Uri? Url,
    string? Token,
    string? Out,
    int Concurrency,
    int Tasks,
    int Owners,
    string Cron,
    int RetentionMs = 60_000)
{
    /// <summary>
    /// Environment variables given to the server process (and, for the runtime's <c>DOTNET_</c> settings, to the
    /// <c>versus</c> peers): <c>--server-env NAME=VALUE[,NAME=VALUE…]</c>, e.g. to try another collector setting.
    /// </summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();

    public static readonly string[] Scenarios = ["lateness", "throughput", "burst", "pending", "storage-costs", "listing", "schedules", "versus", "retention"];

    public static BenchmarkOptions Parse(string[] args)
    {
        if (args.Length == 0 || !Scenarios.Contains(args[0]))
        {
            throw new ArgumentException($"Usage: <{string.Join('|', Scenarios)}> [--rate N] [--seconds N] [--count N] [--within N] [--delay-ms N] [--storage azure|memory] [--url U --token T] [--out file.json] [--concurrency N] [--tasks N --owners N (listing)] [--cron EXPR (schedules)] [--retention-ms N (retention)] [--server-env NAME=VALUE,…]");
        }

        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value' at '{args[i]}'.");
            }

            named[args[i][2..]] = args[i + 1];
        }

        string? Get(string name) => named.Remove(name, out var v) ? v : null;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        var scenario = args[0];
        var options = new BenchmarkOptions(
            scenario,
            Get("rate") is { } rate ? double.Parse(rate, CultureInfo.InvariantCulture) : scenario == "retention" ? 50 : 200,
            Int("seconds", scenario switch { "throughput" => 10, "storage-costs" => 5, "retention" => 300, _ => 60 }),
            Int("count", scenario switch { "pending" => 100_000, "schedules" => 1000, _ => 20_000 }),
            Int("within", 20),
            Int("delay-ms", 2000),
            Get("storage") ?? "azure",
            Get("url") is { } url ? new Uri(url) : null,
            Get("token") ?? Environment.GetEnvironmentVariable("TASKORCH_TOKEN"),
            Get("out"),
            Int("concurrency", 64),
            Int("tasks", 200_000),
            Int("owners", 100),
            Get("cron") ?? "*/5 * * * * *",
            Int("retention-ms", 60_000))
        {
            ServerEnvironment = ParseEnvironment(Get("server-env")),
        };
        if (named.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", named.Keys.Select(k => "--" + k))}");
        }

        if (options.Storage is not ("azure" or "memory"))
        {
            throw new ArgumentException("--storage is azure or memory.");
        }

        if (options.RetentionMs is < 1000 or > 31_622_400)
        {
            throw new ArgumentException("--retention-ms is 1000 to 31622400 (366 days would be more, but a benchmark has no use for it).");
        }

        if (scenario is "storage-costs" or "listing" or "retention" && (options.Storage == "memory" || options.Url is not null))
        {
            throw new ArgumentException($"{scenario} measures the Azurite the benchmark starts: it takes neither --storage memory nor --url.");
        }

        if (options.Tasks < 200 || options.Owners < 1)
        {
            throw new ArgumentException("--tasks must be at least 200 and --owners at least 1.");
        }

        if (options.Url is not null && options.ServerEnvironment.Count > 0)
        {
            throw new ArgumentException("--server-env sets the environment of the server the benchmark starts: it does not go with --url.");
        }

        if (options.Url is not null && options.Token is null)
        {
            throw new ArgumentException("--url needs --token (or TASKORCH_TOKEN): an admin token the service accepts.");
        }

        return options;
    }

    private static Dictionary<string, string> ParseEnvironment(string? list)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || pair.AsSpan(0, equals).ContainsAny(":= "))
            {
                throw new ArgumentException($"--server-env takes NAME=VALUE pairs separated by commas; '{pair}' is not one.");
            }

            environment[pair[..equals]] = pair[(equals + 1)..];
        }

        return environment;
    }
}
