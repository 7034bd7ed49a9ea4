namespace TaskOrchestrator.Server.Telemetry;

/// <summary>One second of a node's task calls (<see cref="RecentActivity"/>).</summary>
/// <param name="At">The second's start.</param>
/// <param name="Fired">Calls to targets started in it (first attempts and retries).</param>
/// <param name="Succeeded">Tasks whose target answered 2xx in it.</param>
/// <param name="Failed">Tasks that failed for good in it.</param>
/// <param name="LatenessP50Ms">The median of how late the first calls started in it were, in milliseconds; absent when none started.</param>
/// <param name="LatenessP99Ms">Their 99th percentile.</param>
public sealed record ActivitySecond(DateTimeOffset At, long Fired, long Succeeded, long Failed, double? LatenessP50Ms, double? LatenessP99Ms);
