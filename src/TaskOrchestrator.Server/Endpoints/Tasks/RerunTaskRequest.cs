using System.Text.Json.Serialization;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>The optional body of <c>POST /tasks/{id}/rerun</c>: when the rerun is due (default: now).</summary>
public sealed record RerunTaskRequest
{
    /// <summary>Milliseconds from now until the rerun's call, at most 366 days.</summary>
    [JsonPropertyName("delayInMS")]
    public long? DelayInMs { get; init; }

    /// <summary>The instant of the rerun's call (a past time means now).</summary>
    public DateTimeOffset? RunAt { get; init; }
}
