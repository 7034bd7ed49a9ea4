namespace TaskOrchestrator.Callbacks;

/// <summary>
/// Where the service POSTs a resource once it ends, and for which endings: the resource as <c>GET</c> shows it, signed
/// like a task's call, retried with the configured default retry policy.
/// </summary>
/// <param name="Url">Absolute http or https URL (at most 2,048 characters), checked by the network policy.</param>
/// <param name="On">The endings that are reported, a non-empty subset of <see cref="Outcomes"/>.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.CompletionCallback")]
public sealed record CompletionCallback(
    [property: Id(0)] string Url,
    [property: Id(1)] IReadOnlyList<string> On)
{
    /// <summary>A task or orchestration that completed.</summary>
    public const string Completed = "completed";

    /// <summary>A task or orchestration that failed.</summary>
    public const string Failed = "failed";

    /// <summary>A task or orchestration that was cancelled.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Every ending, in the order the API shows them; the default when <c>on</c> is not given.</summary>
    public static readonly IReadOnlyList<string> Outcomes = [Completed, Failed, Cancelled];

    /// <summary>True when an ending named <paramref name="outcome"/> (one of <see cref="Outcomes"/>) is reported.</summary>
    public bool Reports(string outcome) => On.Contains(outcome, StringComparer.Ordinal);

    /// <summary>Value equality, <see cref="On"/> included.</summary>
    public bool Equals(CompletionCallback? other) => other is not null && Url == other.Url && On.SequenceEqual(other.On);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Url, On.Count);
}
