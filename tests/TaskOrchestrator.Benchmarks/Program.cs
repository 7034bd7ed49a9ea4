using System.Text.Json;
using System.Text.Json.Serialization;
using TaskOrchestrator.Benchmarks;
using TaskOrchestrator.Benchmarks.Versus;

// dotnet run -c Release --project tests/TaskOrchestrator.Benchmarks -- <lateness|throughput|burst|pending|storage-costs|listing|schedules|versus|retention> [options]
if (args is ["peer", .. var peerArguments])
{
    // The versus scenario runs each peer scheduler in a process of its own: this one.
    return await PeerHost.RunAsync(peerArguments);
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

Console.WriteLine($"TaskOrchestrator benchmark, {DateTimeOffset.UtcNow:u}, {Environment.ProcessorCount} cores");
await using var service = await ServiceUnderTest.StartAsync(options);
var scenarios = new Scenarios(options, service, Console.Out);
if (options.Scenario is not ("storage-costs" or "listing" or "retention"))
{
    // storage-costs talks to Azurite alone, and listing fills the tables itself: warming the server up would only add
    // rows to the store they measure (retention counts those rows).
    await scenarios.WarmUpAsync();
}

object result = options.Scenario switch
{
    "lateness" => await scenarios.LatenessAsync(),
    "throughput" => await scenarios.ThroughputAsync(),
    "burst" => await scenarios.BurstAsync(),
    "storage-costs" => await new StorageCosts(options, service, Console.Out).RunAsync(),
    "listing" => await new ListingBenchmark(options, service, Console.Out).RunAsync(),
    "schedules" => await new SchedulesBenchmark(options, service, Console.Out).RunAsync(),
    "versus" => await new VersusScenario(options, service, scenarios, Console.Out).RunAsync(),
    "retention" => await new RetentionBenchmark(options, service, Console.Out).RunAsync(),
    _ => await scenarios.PendingAsync(),
};

service.SaveServerLog(Console.Out);
if (options.Out is { } path)
{
    await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    Console.WriteLine($"figures written to {path}");
}

return 0;
