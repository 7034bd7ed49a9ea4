using System.Net;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Telemetry;

[Collection(ObservabilityServerCollection.Name)]
public sealed class MetricsTests(ObservabilityServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    [Fact]
    public async Task Metrics_AfterTasksAndAnOrchestration_CountEachOutcome()
    {
        var before = await PrometheusScrape.ScrapeAsync(fixture.Server.BaseAddress);

        // One task succeeds, one fails (400, never retried), one is cancelled, and a one-step orchestration completes (its step is a task too).
        var ok = await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 100 });
        var failing = await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor("status/400"), delayInMS = 100 });
        var cancelled = await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 60_000 });
        using (var cancel = await _client.PutAsync($"/tasks/{cancelled["id"]}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var orchestration = await OrchestrationApi.CreateAsync(_client, new { tasks = new[] { new { taskURL = fixture.Target.UrlFor() } } });
        await Poll.UntilAsync(async () => await TaskApi.StatusAsync(_client, (string)ok["id"]!) == "Completed", Timeout, "the succeeding task to complete");
        await Poll.UntilAsync(async () => await TaskApi.StatusAsync(_client, (string)failing["id"]!) == "Failed", Timeout, "the failing task to fail");
        await OrchestrationApi.WaitForStatusAsync(_client, (string)orchestration["id"]!, "Completed", Timeout);

        // The exporter caches a scrape briefly: poll until the last counter caught up, then compare them all.
        var after = await Poll.UntilAsync(
            () => PrometheusScrape.ScrapeAsync(fixture.Server.BaseAddress),
            s => Delta(s, "taskorchestrator_orchestrations_finished_total", "outcome=\"completed\"", "reason=\"none\"") >= 1,
            Timeout, "the completed orchestration in /metrics");

        Assert.Equal(4, Delta(after, "taskorchestrator_tasks_scheduled_total"));
        Assert.Equal(3, Delta(after, "taskorchestrator_tasks_fired_total"));
        Assert.Equal(2, Delta(after, "taskorchestrator_tasks_succeeded_total"));
        Assert.Equal(1, Delta(after, "taskorchestrator_tasks_failed_total"));
        Assert.Equal(1, Delta(after, "taskorchestrator_tasks_cancelled_total"));
        Assert.Equal(0, Delta(after, "taskorchestrator_tasks_retried_total"));
        Assert.Equal(3, Delta(after, "taskorchestrator_tasks_firing_lateness_milliseconds_count"));
        Assert.Equal(2, Delta(after, "taskorchestrator_http_attempt_duration_milliseconds_count", "outcome=\"success\""));
        Assert.Equal(1, Delta(after, "taskorchestrator_http_attempt_duration_milliseconds_count", "outcome=\"http_error\""));
        Assert.Equal(1, Delta(after, "taskorchestrator_orchestrations_created_total"));
        Assert.Equal(1, Delta(after, "taskorchestrator_orchestrations_finished_total", "outcome=\"completed\"", "reason=\"none\""));

        // Buckets fine enough to tell 1 ms from 10 ms, and each task's lateness is in them.
        foreach (var bound in new[] { "0.25", "0.5", "1", "2", "3", "5", "7.5", "10", "15", "25", "50", "100", "250", "500", "1000", "5000" })
        {
            Assert.Contains($"taskorchestrator_tasks_firing_lateness_milliseconds_bucket{{otel_scope_name=\"TaskOrchestrator\",le=\"{bound}\"}}", after.Text, StringComparison.Ordinal);
        }

        Assert.Equal(3, Delta(after, "taskorchestrator_tasks_firing_lateness_milliseconds_bucket", "le=\"+Inf\""));
        Assert.Contains("http_server_request_duration_seconds", after.Text, StringComparison.Ordinal);

        double Delta(PrometheusScrape scrape, string name, params string[] labels) => scrape.Value(name, labels) - before.Value(name, labels);
    }

    [Fact]
    public async Task Metrics_RerunAndRetry_CountedOnce()
    {
        var before = await PrometheusScrape.ScrapeAsync(fixture.Server.BaseAddress);
        var failing = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor("status/400"), delayInMS = 0 }))["id"]!;
        await Poll.UntilAsync(async () => await TaskApi.StatusAsync(_client, failing) == "Failed", Timeout, "the failing task to fail");
        using (var rerun = await _client.PostAsync($"/tasks/{failing}/rerun", null))
        {
            Assert.Equal(HttpStatusCode.Created, rerun.StatusCode);
        }

        var orchestration = (string)(await OrchestrationApi.CreateAsync(
            _client, new { tasks = new[] { new { taskURL = fixture.Target.UrlFor("fail-first/1"), retry = new { maxAttempts = 1 } } } }))["id"]!;
        await OrchestrationApi.WaitForStatusAsync(_client, orchestration, "Failed", Timeout);
        using (var retry = await _client.PostAsync($"/orchestrations/{orchestration}/retry", null))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }

        var after = await Poll.UntilAsync(
            () => PrometheusScrape.ScrapeAsync(fixture.Server.BaseAddress),
            s => s.Value("taskorchestrator_orchestrations_retries_total") - before.Value("taskorchestrator_orchestrations_retries_total") >= 1,
            Timeout, "the retry in /metrics");
        Assert.Equal(1, after.Value("taskorchestrator_tasks_reruns_total") - before.Value("taskorchestrator_tasks_reruns_total"));
        Assert.Equal(1, after.Value("taskorchestrator_orchestrations_retries_total") - before.Value("taskorchestrator_orchestrations_retries_total"));
    }

    [Fact]
    public async Task Metrics_WithoutToken_AreServedAsPrometheusText()
    {
        using var client = fixture.Server.CreateClient(token: null);
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE dotnet_process_cpu_count gauge", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
