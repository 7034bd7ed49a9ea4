namespace TaskOrchestrator.Client.Callbacks;

/// <summary>Where the service POSTs a task or orchestration (as <c>GET</c> shows it) once it ends, and for which endings.</summary>
public sealed record CompletionCallback
{
    /// <summary>Absolute http or https URL; the service refuses addresses its network policy blocks.</summary>
    public required Uri Url { get; init; }

    /// <summary>Any of <c>completed</c>, <c>failed</c>, <c>cancelled</c>; null for all three.</summary>
    public IReadOnlyList<string>? On { get; init; }
}
