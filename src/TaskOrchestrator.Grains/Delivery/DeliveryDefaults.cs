using Microsoft.Extensions.Options;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Delivery;

/// <summary>The delivery policy of a task that gives none of its own: the configured retry policy and attempt timeout.</summary>
public sealed class DeliveryDefaults(IOptions<RetryOptions> retry, IOptions<DeliveryOptions> delivery)
{
    /// <summary>The configured defaults, as a policy.</summary>
    public DeliveryPolicy Policy { get; } = new(retry.Value.ToPolicy(), delivery.Value.AttemptTimeout);
}
