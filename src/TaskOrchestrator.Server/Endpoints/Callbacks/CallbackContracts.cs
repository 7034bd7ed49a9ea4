using TaskOrchestrator.Callbacks;

namespace TaskOrchestrator.Server.Endpoints.Callbacks;

/// <summary>A completion callback in a request: where to POST the resource once it ends, and for which endings.</summary>
public sealed record CallbackRequest
{
    /// <summary>Absolute http or https URL, at most 2048 characters; refused like a task's URL by the network policy.</summary>
    public string? Url { get; init; }

    /// <summary>The endings reported, any of <c>completed</c>, <c>failed</c>, <c>cancelled</c> (non-empty, no repeats). Default all three.</summary>
    public List<string>? On { get; init; }
}

/// <summary>A completion callback as the API shows it.</summary>
/// <param name="Url">Where the resource is POSTed.</param>
/// <param name="On">The endings reported.</param>
public sealed record CallbackResource(string Url, IReadOnlyList<string> On)
{
    /// <summary>Maps a callback to the API's shape.</summary>
    public static CallbackResource? From(CompletionCallback? callback) => callback is null ? null : new(callback.Url, callback.On);
}

/// <summary>How the completion callback's delivery went.</summary>
/// <param name="Status">Pending (an attempt is due or in flight), Delivered (answered 2xx) or Failed (given up; the resource's own outcome stands).</param>
/// <param name="Outcome">The ending reported: completed, failed or cancelled.</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="LastStatusCode">What the callback URL answered to the last attempt.</param>
/// <param name="LastError">Why the last attempt got no answer (at most 400 characters).</param>
/// <param name="NextAttemptAt">While Pending: when the next attempt is due.</param>
/// <param name="FinishedAt">When it was Delivered or Failed.</param>
public sealed record CallbackDeliveryResource(
    CallbackStatus Status, string Outcome, int Attempts, int? LastStatusCode, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? FinishedAt)
{
    /// <summary>Maps a delivery to the API's shape.</summary>
    public static CallbackDeliveryResource? From(CallbackDelivery? delivery) => delivery is null
        ? null
        : new(delivery.Status, delivery.Outcome, delivery.Attempts, delivery.LastStatusCode, delivery.LastError, delivery.NextAttemptAt, delivery.FinishedAt);
}
