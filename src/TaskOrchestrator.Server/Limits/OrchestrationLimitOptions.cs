using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Server.Limits;

/// <summary>
/// How much work one orchestration may cause. Section <c>TaskOrchestrator:Limits:Orchestrations</c>.
/// </summary>
public sealed class OrchestrationLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Limits:Orchestrations";

    /// <summary>
    /// The most HTTP calls one orchestration may be able to make, counting every step's attempts, each condition check's
    /// (retries + 1) times its attempts, and one fallback's attempts (see <see cref="Orchestrations.OrchestrationWork.MaxCalls"/>).
    /// A create or change over it is refused with 422. Applies to admins too. Default 10,000.
    /// </summary>
    [Range(1, 100_000_000)]
    public long MaxCalls { get; set; } = 10_000;
}
