using System.Globalization;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Telemetry;

/// <summary>With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics, traces and logs are pushed there (OTLP over HTTP here).</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Server_WithOtlpEndpoint_PushesMetricsTracesAndLogs()
    {
        await using var collector = await RecordingTarget.StartAsync();
        await using var target = await RecordingTarget.StartAsync();
        var siloPort = FreePorts.Consecutive(2);
        var settings = new Dictionary<string, string>(TestTokens.ServerSettings)
        {
            ["TaskOrchestrator:Storage:Provider"] = "Memory",
            ["TaskOrchestrator:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["TaskOrchestrator:Cluster:GatewayPort"] = (siloPort + 1).ToString(CultureInfo.InvariantCulture),
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseAddress.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        };
        await using var server = await ServerProcess.StartAsync(settings);
        using var client = server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
        var url = target.UrlFor();
        await TaskApi.CreateAsync(client, new { taskURL = url, delayInMS = 100 });
        await target.WaitForCallsAsync(url);

        foreach (var signal in new[] { "/v1/metrics", "/v1/traces", "/v1/logs" })
        {
            await Poll.UntilAsync(
                () => collector.Calls.Any(c => c.Method == "POST" && c.Path == signal), TimeSpan.FromSeconds(20), $"an OTLP export to {signal}");
        }

        // The task's meter is among the exported metrics (the protobuf carries the instrument names as text).
        await Poll.UntilAsync(
            () => collector.Calls.Any(c => c.Path == "/v1/metrics" && c.Body.Contains("taskorchestrator.tasks.fired", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "taskorchestrator.tasks.fired in an OTLP metrics export");
        await server.StopAsync();
    }
}
