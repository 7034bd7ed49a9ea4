using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskOrchestrator.Server.Health;

/// <summary>This node's silo is Active in the cluster's membership as this silo sees it (no remote call).</summary>
internal sealed class SiloHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(silo.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Silo {silo.SiloAddress} is Active; {active} active silo(s) in cluster '{silo.ClusterId}'.")
            : HealthCheckResult.Unhealthy($"Silo {silo.SiloAddress} is {status} in cluster '{silo.ClusterId}'."));
    }
}
