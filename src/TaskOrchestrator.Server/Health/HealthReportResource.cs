using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskOrchestrator.Server.Health;

/// <summary>The body of the health routes: the overall status and, for readiness, each check's.</summary>
/// <param name="Status">Healthy only when every check is.</param>
/// <param name="DurationMs">How long the checks took.</param>
/// <param name="Checks">Each check by name (<c>storage</c>, <c>silo</c>); absent for liveness.</param>
public sealed record HealthReportResource(HealthStatus Status, double DurationMs, IReadOnlyDictionary<string, HealthCheckResource>? Checks)
{
    /// <summary>Maps a health report to the API's shape (exceptions are summarized by the check's description, never dumped).</summary>
    public static HealthReportResource From(HealthReport report) => new(
        report.Status,
        Math.Round(report.TotalDuration.TotalMilliseconds, 3),
        report.Entries.ToDictionary(e => e.Key, e => new HealthCheckResource(e.Value.Status, e.Value.Description, Math.Round(e.Value.Duration.TotalMilliseconds, 3))));
}

/// <summary>One check's outcome.</summary>
/// <param name="Status">The check's status.</param>
/// <param name="Description">What it found.</param>
/// <param name="DurationMs">How long it took.</param>
public sealed record HealthCheckResource(HealthStatus Status, string? Description, double DurationMs);
