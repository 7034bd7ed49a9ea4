using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>
/// How much scheduling work one node takes at once. Beyond it, requests wait in a queue; beyond the queue they are
/// refused at once with 503 and Retry-After, rather than piling up until storage calls time out.
/// Section <c>TaskOrchestrator:Admission</c>.
/// </summary>
public sealed class AdmissionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Admission";

    /// <summary>The rate-limiting policy name of the routes that create or change tasks.</summary>
    public const string PolicyName = "task-writes";

    /// <summary>Requests that create or change tasks processed at once. Default 256.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentWrites { get; set; } = 256;

    /// <summary>Requests that may wait for a slot; more are refused with 503. Default 2048.</summary>
    [Range(0, 1_000_000)]
    public int QueueLimit { get; set; } = 2048;

    /// <summary>The Retry-After a refused request is given, in seconds. Default 1.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
