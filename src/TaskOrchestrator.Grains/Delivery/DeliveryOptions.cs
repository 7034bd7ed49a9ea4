using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Delivery;

/// <summary>How task targets are called. Section <c>TaskOrchestrator:Delivery</c>.</summary>
public sealed class DeliveryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Delivery";

    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> used to call targets.</summary>
    public const string HttpClientName = "TaskOrchestrator.Delivery";

    /// <summary>How long one attempt may take before it counts as failed. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:15:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How much of a response body is kept, in bytes. Default 4 KiB, at most 8 KiB (it is stored with the task).</summary>
    [Range(0, 8 * 1024)]
    public int MaxResponseBodyBytes { get; set; } = 4 * 1024;
}
