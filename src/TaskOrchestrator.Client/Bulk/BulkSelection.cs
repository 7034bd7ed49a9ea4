namespace TaskOrchestrator.Client.Bulk;

/// <summary>
/// What a bulk action acts on: the caller's own resources, either <see cref="Ids"/> (at most 1000) or those matching
/// <see cref="Filter"/> (at most <see cref="Limit"/> per call; pass <see cref="BulkResult.Continuation"/> back as
/// <see cref="Continuation"/> to go on).
/// </summary>
public sealed record BulkSelection
{
    /// <summary>The resources to act on; another owner's id is reported skipped, "not found".</summary>
    public IReadOnlyList<Guid>? Ids { get; init; }

    /// <summary>Act on the caller's resources matching this, newest first.</summary>
    public BulkFilter? Filter { get; init; }

    /// <summary>With <see cref="Filter"/>: where the previous call stopped.</summary>
    public string? Continuation { get; init; }

    /// <summary>With <see cref="Filter"/>: the most resources one call acts on, 1 to 1000 (default 1000).</summary>
    public int? Limit { get; init; }

    /// <summary>The resources with these ids.</summary>
    public static BulkSelection Of(IEnumerable<Guid> ids) => new() { Ids = [.. ids] };
}

/// <summary>Which resources a bulk action acts on; every part given must match.</summary>
/// <param name="Status">Only those with this status (e.g. <c>Failed</c>).</param>
/// <param name="Labels">Only those carrying every one of these labels.</param>
/// <param name="CreatedAfter">Only those created after this instant.</param>
/// <param name="CreatedBefore">Only those created before this instant.</param>
public sealed record BulkFilter(
    string? Status = null, IReadOnlyDictionary<string, string>? Labels = null, DateTimeOffset? CreatedAfter = null, DateTimeOffset? CreatedBefore = null);

/// <summary>The answer of a bulk action.</summary>
/// <param name="Results">One per resource acted on or skipped.</param>
/// <param name="Continuation">With a filter, when more may match: pass it back to go on.</param>
public sealed record BulkResult(IReadOnlyList<BulkItemResult> Results, string? Continuation);

/// <summary>What a bulk action did to one resource.</summary>
/// <param name="Id">The resource's id.</param>
/// <param name="Outcome"><c>cancelled</c>, <c>rerun</c>, <c>retried</c> or <c>skipped</c>.</param>
/// <param name="Reason">Why it was skipped.</param>
/// <param name="NewId">For <c>rerun</c>: the new task's id.</param>
public sealed record BulkItemResult(Guid Id, string Outcome, string? Reason = null, Guid? NewId = null);
