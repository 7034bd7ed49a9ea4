using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Retention;

/// <summary>How long finished tasks are kept, and how they are swept away. Section <c>TaskOrchestrator:Retention</c>.</summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Retention";

    /// <summary>The shortest retention a resource may ask for (<c>retentionInMS</c>).</summary>
    public static readonly TimeSpan MinRetention = TimeSpan.FromSeconds(1);

    /// <summary>The longest retention a resource may ask for, or the option may be set to.</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(366);

    /// <summary>
    /// How long a finished task (Completed, Failed or Cancelled) is kept, counted from its end, when it asks for no
    /// <c>retentionInMS</c>; then it is removed: <c>GET</c> answers 404 and listings no longer show it. 1 s to 366 days. Default 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "366.00:00:00")]
    public TimeSpan Finished { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the sweep looks for expired tasks (it also runs once right after a sweep that hit its batch limit). 1 s to 1 hour. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many expired tasks one sweep removes at most (the next sweep goes on). 1 to 10,000. Default 1,000.</summary>
    [Range(1, 10_000)]
    public int SweepBatch { get; set; } = 1_000;

    /// <summary>How many tasks the sweep removes at once (each is a few storage calls, mostly waiting). 1 to 64. Default 32.</summary>
    [Range(1, 64)]
    public int SweepParallelism { get; set; } = 32;
}
