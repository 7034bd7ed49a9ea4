using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Server.Limits;

/// <summary>
/// Per-subject request rates, as token buckets: a bucket holds up to its burst and refills at its rate; a request takes
/// one token, and one that finds the bucket empty is refused with 429 and Retry-After. Each token subject has one bucket
/// for writes (every request that creates, changes or cancels something) and one for reads (every GET). Admins are
/// exempt. Buckets are per node: a client spread over N nodes gets up to N times these. Section
/// <c>TaskOrchestrator:Limits:Rates</c>.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Limits:Rates";

    /// <summary>Writes per second one subject may make on one node, sustained. Default 100.</summary>
    [Range(1, 1_000_000)]
    public int WritesPerSecond { get; set; } = 100;

    /// <summary>Writes one subject may make at once after a quiet spell. Default 1,000.</summary>
    [Range(1, 1_000_000)]
    public int WriteBurst { get; set; } = 1000;

    /// <summary>Reads per second one subject may make on one node, sustained. Default 200.</summary>
    [Range(1, 1_000_000)]
    public int ReadsPerSecond { get; set; } = 200;

    /// <summary>Reads one subject may make at once after a quiet spell. Default 2,000.</summary>
    [Range(1, 1_000_000)]
    public int ReadBurst { get; set; } = 2000;
}
