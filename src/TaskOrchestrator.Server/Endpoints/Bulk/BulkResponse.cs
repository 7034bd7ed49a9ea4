namespace TaskOrchestrator.Server.Endpoints.Bulk;

/// <summary>The answer of a bulk action.</summary>
/// <param name="Results">One per resource acted on (or skipped), in the order of <c>ids</c>, or newest first for a filter.</param>
/// <param name="Continuation">With a filter, when more resources may match: pass it back as <c>continuation</c> to go on.</param>
public sealed record BulkResponse(IReadOnlyList<BulkItemResult> Results, string? Continuation);

/// <summary>What a bulk action did to one resource.</summary>
/// <param name="Id">The resource's id.</param>
/// <param name="Outcome"><c>cancelled</c>, <c>rerun</c>, <c>retried</c> or <c>skipped</c>.</param>
/// <param name="Reason">Why it was skipped (<c>not found</c> for an id the caller does not own).</param>
/// <param name="NewId">For <c>rerun</c>: the new task's id.</param>
public sealed record BulkItemResult(Guid Id, string Outcome, string? Reason = null, Guid? NewId = null)
{
    /// <summary>The outcome of a resource left alone.</summary>
    public const string Skipped = "skipped";

    /// <summary>The reason given for an id under which the caller owns nothing.</summary>
    public const string NotFound = "not found";

    /// <summary>A resource left alone, and why.</summary>
    public static BulkItemResult Skip(Guid id, string? reason) => new(id, Skipped, reason ?? "refused");
}
