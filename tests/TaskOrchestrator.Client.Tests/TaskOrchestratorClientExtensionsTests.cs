using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Client.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Client.Tests;

/// <summary>Registration through <c>AddTaskOrchestratorClient</c>: base address, token provider, validation, extra handlers.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class TaskOrchestratorClientExtensionsTests(ClientServerFixture fixture)
{
    [Fact]
    public async Task AddTaskOrchestratorClient_WithTokenProvider_AsksForATokenPerRequest()
    {
        var subject = $"provider-{Guid.NewGuid():N}";
        var calls = 0;
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddTaskOrchestratorClient((_, o) =>
        {
            o.BaseAddress = fixture.Server.BaseAddress;
            o.AccessTokenProvider = (provider, _) =>
            {
                Assert.NotNull(provider.GetService<TimeProvider>());
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult<string?>(TestTokens.Create(subject));
            };
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<ITaskOrchestratorClient>();

        var task = await client.ScheduleAsync(new Uri(fixture.Target.UrlFor()), TimeSpan.FromMinutes(5));
        Assert.Equal(ScheduledTaskStatus.Scheduled, await client.GetStatusAsync(task.Id));
        await client.CancelAsync(task.Id);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task AddTaskOrchestratorClient_ReturnsTheHttpClientBuilder_ForMoreHandlers()
    {
        var seen = new List<string>();
        var services = new ServiceCollection();
        services.AddTaskOrchestratorClient(o =>
            {
                o.BaseAddress = fixture.Server.BaseAddress;
                o.AccessToken = TestTokens.Create($"handler-{Guid.NewGuid():N}");
            })
            .AddHttpMessageHandler(() => new RecordingHandler(seen));
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<ITaskOrchestratorClient>().GetAllAsync();
        Assert.Equal(["GET /tasks?limit=1000 Bearer"], seen);
    }

    [Fact]
    public void AddTaskOrchestratorClient_WithoutBaseAddress_FailsWhenResolved()
    {
        var services = new ServiceCollection();
        services.AddTaskOrchestratorClient(o => o.AccessToken = "x");
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<ITaskOrchestratorClient>);
        Assert.Contains("BaseAddress", error.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingHandler(List<string> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add($"{request.Method} {request.RequestUri!.PathAndQuery} {request.Headers.Authorization?.Scheme}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
