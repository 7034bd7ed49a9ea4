using System.Text.Json.Serialization;
using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Server.Endpoints.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>
/// The body of <c>POST /orchestrations</c>, and of <c>PATCH /orchestrations/{id}</c> where every field is optional and
/// a field given replaces the current one. The four top-level <c>conditionCheck…</c>/<c>timeDelay…</c> names are the
/// older spelling of the <c>conditionCheck</c> fields: either may be used for a setting, never both.
/// </summary>
public sealed record OrchestrationRequest : IDeliveryFields
{
    /// <summary>Milliseconds until the first step (from now; for PATCH, from the orchestration's creation). Default 0.</summary>
    [JsonPropertyName("initialDelayInMS")]
    public long? InitialDelayInMs { get; init; }

    /// <summary>The steps, 1 to 1000, run in order.</summary>
    public List<OrchestrationTaskRequest?>? Tasks { get; init; }

    /// <summary>The check after every step that has none of its own.</summary>
    public ConditionCheckRequestBody? ConditionCheck { get; init; }

    /// <summary>Called (POST, no body) when a step's check never passes, unless the step has its own.</summary>
    [JsonPropertyName("fallbackTaskURL")]
    public string? FallbackTaskUrl { get; init; }

    /// <summary>Older name of <c>conditionCheck.taskURL</c>.</summary>
    [JsonPropertyName("conditionCheckTaskURL")]
    public string? ConditionCheckTaskUrl { get; init; }

    /// <summary>Older name of <c>conditionCheck.delayInMS</c>.</summary>
    [JsonPropertyName("timeDelayForConditionCheck")]
    public long? TimeDelayForConditionCheck { get; init; }

    /// <summary>Older name of <c>conditionCheck.retries</c>.</summary>
    [JsonPropertyName("conditionCheckRetries")]
    public int? ConditionCheckRetries { get; init; }

    /// <summary>Older name of <c>conditionCheck.retryDelayInMS</c>.</summary>
    [JsonPropertyName("timeDelayBetweenRetries")]
    public long? TimeDelayBetweenRetries { get; init; }

    /// <summary>When a failed attempt of every call (steps, checks, fallback) that gives none of its own is made again; fields not given take the configured defaults.</summary>
    public RetryRequest? Retry { get; init; }

    /// <summary>Milliseconds one attempt of every call (steps, checks, fallback) that gives none of its own may take, 100 to 900000; default the configured one (30000).</summary>
    [JsonPropertyName("timeoutInMS")]
    public long? TimeoutInMs { get; init; }

    /// <summary>
    /// <c>awsSigV4</c> to sign every call (steps, checks, fallback) that gives none of its own with AWS Signature Version 4,
    /// only for hosts the service allows (422 naming each other URL); default none.
    /// </summary>
    public string? Authentication { get; init; }

    /// <summary>Labels to find it by (<c>GET /orchestrations?label=key:value</c>), same rules as a task's; on PATCH they replace all of them.</summary>
    public Dictionary<string, string?>? Labels { get; init; }

    /// <summary>
    /// Milliseconds the finished orchestration (Completed, Failed or Cancelled) is kept, with its step tasks, before it is
    /// removed: 1000 to 31622400000 (366 days). Default: the configured retention (7 days). Only on POST.
    /// </summary>
    [JsonPropertyName("retentionInMS")]
    public long? RetentionInMs { get; init; }

    /// <summary>
    /// Where to POST the orchestration (as <c>GET /orchestrations/{id}</c> shows it) once it ends, and for which endings;
    /// POST only. After a retry, its next ending is reported again.
    /// </summary>
    public CallbackRequest? Callback { get; init; }
}

/// <summary>One step of an orchestration request.</summary>
public sealed record OrchestrationTaskRequest : IDeliveryFields
{
    /// <summary>Absolute http or https URL to call.</summary>
    [JsonPropertyName("taskURL")]
    public string? TaskUrl { get; init; }

    /// <summary>HTTP method; default POST.</summary>
    public string? Method { get; init; }

    /// <summary>Request headers to send.</summary>
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>Request body to send.</summary>
    public string? Body { get; init; }

    /// <summary>This step's own check, replacing the orchestration's.</summary>
    public ConditionCheckRequestBody? ConditionCheck { get; init; }

    /// <summary>This step's own fallback, replacing the orchestration's.</summary>
    [JsonPropertyName("fallbackTaskURL")]
    public string? FallbackTaskUrl { get; init; }

    /// <summary>When a failed attempt of this step's call is made again; fields not given take the orchestration's.</summary>
    public RetryRequest? Retry { get; init; }

    /// <summary>Milliseconds one attempt of this step's call may take, 100 to 900000; default the orchestration's.</summary>
    [JsonPropertyName("timeoutInMS")]
    public long? TimeoutInMs { get; init; }

    /// <summary><c>awsSigV4</c> to sign this step's call with AWS Signature Version 4; default the orchestration's.</summary>
    public string? Authentication { get; init; }
}

/// <summary>A condition check: passes on a 2xx answer whose body is not the JSON literal <c>false</c>.</summary>
public sealed record ConditionCheckRequestBody : IDeliveryFields
{
    /// <summary>Absolute http or https URL to call.</summary>
    [JsonPropertyName("taskURL")]
    public string? TaskUrl { get; init; }

    /// <summary>HTTP method; default GET.</summary>
    public string? Method { get; init; }

    /// <summary>Milliseconds after the step's task finished before the first attempt. Default 0.</summary>
    [JsonPropertyName("delayInMS")]
    public long? DelayInMs { get; init; }

    /// <summary>Further attempts after a first that did not pass, 0 to 100. Default 0.</summary>
    public int? Retries { get; init; }

    /// <summary>Milliseconds after an attempt finished before the next. Default 1000.</summary>
    [JsonPropertyName("retryDelayInMS")]
    public long? RetryDelayInMs { get; init; }

    /// <summary>When a failed attempt of each check call (before it counts as not passed) is made again; fields not given take the orchestration's.</summary>
    public RetryRequest? Retry { get; init; }

    /// <summary>Milliseconds one attempt of each check call (before it counts as not passed) may take, 100 to 900000; default the orchestration's.</summary>
    [JsonPropertyName("timeoutInMS")]
    public long? TimeoutInMs { get; init; }

    /// <summary><c>awsSigV4</c> to sign each check call (before it counts as not passed) with AWS Signature Version 4; default the orchestration's.</summary>
    public string? Authentication { get; init; }
}
