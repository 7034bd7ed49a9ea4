using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Server.Health;

/// <summary>
/// Storage is reachable: one point read on the task table (a row that never exists) within <see cref="Timeout"/>. The
/// outcome is shared for <see cref="CacheFor"/>, so frequent probes by several load balancers cost one call per period.
/// </summary>
internal sealed class StorageHealthCheck : IHealthCheck
{
    /// <summary>How long storage may take to answer before it counts as unreachable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>How long one probe's outcome answers for.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly TableClient? _table;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _probe;
    private DateTimeOffset _probeStarted;

    public StorageHealthCheck(IConfiguration configuration, TimeProvider time)
    {
        _time = time;
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
        if (storage.Provider == StorageProvider.AzureStorage && !string.IsNullOrWhiteSpace(connectionString))
        {
            _table = StorageClients.CreateTableServiceClient(connectionString).GetTableClient(storage.TaskTable);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_table is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("In-memory storage (this process)."));
        }

        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_probe is null || now - _probeStarted >= CacheFor)
            {
                _probeStarted = now;
                _probe = ProbeAsync(_table);
            }

            return _probe;
        }
    }

    // Not tied to one caller's cancellation: the outcome is shared with the callers of the next few seconds.
    private static async Task<HealthCheckResult> ProbeAsync(TableClient table)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await table.GetEntityIfExistsAsync<TableEntity>("health", "probe", ["PartitionKey"], timeout.Token);
            return HealthCheckResult.Healthy($"Table '{table.Name}' answered.");
        }
        catch (OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"Table '{table.Name}' did not answer within {Timeout.TotalSeconds:0.#} s.");
        }
        catch (RequestFailedException e)
        {
            return HealthCheckResult.Unhealthy($"Table '{table.Name}' answered {e.Status} ({e.ErrorCode}).");
        }
        catch (Exception e)
        {
            // Connection refused and the like (after the SDK's retries): unreachable, whatever the exception's type.
            return HealthCheckResult.Unhealthy($"Table '{table.Name}' is unreachable ({e.GetType().Name}).");
        }
    }
}
