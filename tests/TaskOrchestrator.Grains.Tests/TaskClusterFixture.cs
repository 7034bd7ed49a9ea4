using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests;

/// <summary>
/// One in-process silo wired as the in-memory mode wires it (memory reminders, the in-memory task store), plus one
/// recording HTTP target, shared by every test of <see cref="TaskClusterCollection"/>. Tests use a fresh task id each.
/// </summary>
public sealed class TaskClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;
    private RecordingTarget? _target;

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>The HTTP target every task of the collection calls.</summary>
    public RecordingTarget Target => _target ?? throw new InvalidOperationException("The target is not started.");

    /// <summary>The silo's task listing (the in-memory task store).</summary>
    public ITaskIndex Index => Cluster.GetSiloServiceProvider().GetRequiredService<ITaskIndex>();

    /// <summary>The scheduling options the silo runs with.</summary>
    public TaskSchedulingOptions Scheduling => Cluster.GetSiloServiceProvider().GetRequiredService<IOptions<TaskSchedulingOptions>>().Value;

    /// <summary>A task grain under a fresh id, a version-7 GUID like the ones the gateway mints.</summary>
    public ITaskGrain NewTask() => Cluster.Client.GetGrain<ITaskGrain>(Guid.CreateVersion7());

    /// <summary>An orchestration grain under a fresh version-7 id.</summary>
    public IOrchestrationGrain NewOrchestration() => Cluster.Client.GetGrain<IOrchestrationGrain>(Guid.CreateVersion7());

    /// <summary>The silo's orchestration listing.</summary>
    public IOrchestrationIndex OrchestrationIndex => Cluster.GetSiloServiceProvider().GetRequiredService<IOrchestrationIndex>();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _target = await RecordingTarget.StartAsync();

        _cluster = await DeployAsync(silo => silo.AddInMemoryTaskStorage());

        // Activate the grain type once so that the first test's timings do not include JIT and activation warm-up.
        _ = await NewTask().GetAsync();
    }

    /// <summary>
    /// Deploys a one-silo cluster wired as the in-memory mode wires it, with the task store <paramref name="addTaskStorage"/>
    /// adds (a test may put a faulty one in its place).
    /// </summary>
    public static async Task<InProcessTestCluster> DeployAsync(Action<ISiloBuilder> addTaskStorage)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddTaskOrchestratorGrains()
                .UseInMemoryReminderService()
                .AddInMemoryOrchestrationStorage()
                .AddInMemoryScheduleStorage()
                .AddInMemoryIdempotencyStorage();
            addTaskStorage(silo);

            // The target is on loopback, which the network policy blocks unless allowed.
            silo.Services.Configure<TargetNetworkOptions>(o => o.AllowedNetworks = [.. TestTokens.LoopbackTargets.Values]);

            // Owner quotas count again at every refusal, so that a test sees the count the listings give without waiting.
            silo.Services.Configure<PendingLimitOptions>(o => o.RecountAtCapAfter = TimeSpan.Zero);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }
}
