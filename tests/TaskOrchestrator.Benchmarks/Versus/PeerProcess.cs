using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>Starts this benchmark again as a peer process (<see cref="PeerHost"/>), relays what it prints and reads what it reports.</summary>
internal static class PeerProcess
{
    public static async Task<PeerResult> RunAsync(string peer, BenchmarkOptions options, Uri target, TextWriter output)
    {
        var resultFile = Path.Combine(Path.GetTempPath(), $"taskorch-versus-{peer}-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments =
        [
            typeof(PeerHost).Assembly.Location, "peer", "--peer", peer,
            "--rate", options.Rate.ToString(CultureInfo.InvariantCulture),
            "--seconds", options.Seconds.ToString(CultureInfo.InvariantCulture),
            "--delay-ms", options.DelayMs.ToString(CultureInfo.InvariantCulture),
            "--concurrency", options.Concurrency.ToString(CultureInfo.InvariantCulture),
            "--target", target.ToString(),
            "--out", resultFile,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The collector our server runs with (server GC, concurrent, without dynamic adaptation: the server's project
        // file), so that the runtime's settings are not a difference between the schedulers; the benchmark's own process
        // runs workstation GC.
        start.Environment["DOTNET_gcServer"] = "1";
        start.Environment["DOTNET_gcConcurrent"] = "1";
        start.Environment["DOTNET_GCDynamicAdaptationMode"] = "0";
        foreach (var (name, value) in options.ServerEnvironment.Where(e => e.Key.StartsWith("DOTNET_", StringComparison.Ordinal)))
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {peer} peer process.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.WriteLine($"  [{peer}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.WriteLine($"  [{peer}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Warm-up and baseline (under a minute), the run, the slowest pick-up (15 s) and the wait for stragglers (45 s).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds + (options.DelayMs / 1000.0) + 300));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The {peer} peer process (pid {process.Id}) did not finish in time; it was stopped.");
        }

        if (process.ExitCode != 0 || !File.Exists(resultFile))
        {
            throw new InvalidOperationException($"The {peer} peer process exited with code {process.ExitCode} without a result.");
        }

        try
        {
            return JsonSerializer.Deserialize<PeerResult>(await File.ReadAllTextAsync(resultFile), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        }
        finally
        {
            File.Delete(resultFile);
        }
    }
}
