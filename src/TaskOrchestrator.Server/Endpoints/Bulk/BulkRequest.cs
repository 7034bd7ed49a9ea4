namespace TaskOrchestrator.Server.Endpoints.Bulk;

/// <summary>
/// The body of a bulk action (<c>POST /tasks/bulk/cancel</c>, <c>/tasks/bulk/rerun</c>, <c>/orchestrations/bulk/cancel</c>,
/// <c>/orchestrations/bulk/retry</c>): either <c>ids</c> or <c>filter</c>. It acts only on the caller's own resources, for
/// admins too.
/// </summary>
public sealed record BulkRequest
{
    /// <summary>The resources to act on, at most 1000; ids the caller does not own are reported <c>skipped</c> (<c>not found</c>).</summary>
    public List<string?>? Ids { get; init; }

    /// <summary>Act on the caller's resources matching this, newest first, up to <c>limit</c> per call.</summary>
    public BulkFilter? Filter { get; init; }

    /// <summary>With <c>filter</c>: the <c>continuation</c> of the previous answer, to go on where it stopped.</summary>
    public string? Continuation { get; init; }

    /// <summary>With <c>filter</c>: the most resources one call acts on, 1 to 1000; default 1000.</summary>
    public int? Limit { get; init; }
}

/// <summary>Which of the caller's resources a bulk action acts on; every part given must match.</summary>
public sealed record BulkFilter
{
    /// <summary>Only resources with this status (case-insensitive).</summary>
    public string? Status { get; init; }

    /// <summary>Only resources carrying every one of these labels.</summary>
    public Dictionary<string, string?>? Labels { get; init; }

    /// <summary>Only resources created after this instant.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Only resources created before this instant.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }
}
