namespace TaskOrchestrator.Client.Callbacks;

/// <summary>How a completion callback's delivery went.</summary>
public sealed record CallbackDelivery
{
    /// <summary>Pending (an attempt is due or in flight), Delivered (answered 2xx) or Failed (given up; the task's own outcome stands).</summary>
    public required string Status { get; init; }

    /// <summary>The ending reported: completed, failed or cancelled.</summary>
    public required string Outcome { get; init; }

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>What the callback URL answered to the last attempt.</summary>
    public int? LastStatusCode { get; init; }

    /// <summary>Why the last attempt got no answer.</summary>
    public string? LastError { get; init; }

    /// <summary>While Pending: when the next attempt is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When it was Delivered or Failed.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}
