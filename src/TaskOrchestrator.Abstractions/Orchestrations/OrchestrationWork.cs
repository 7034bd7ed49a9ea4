using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>The most HTTP calls one orchestration can cause, so that a limit can bound it before it runs.</summary>
public static class OrchestrationWork
{
    /// <summary>
    /// The most calls <paramref name="definition"/> can make: each step's attempts, then its condition check's
    /// (retries + 1) attempts of up to the check's own delivery attempts each; and at most one fallback, with its
    /// attempts, because a fallback ends the orchestration. The figure is the longest path: every step and check up to
    /// some step k, plus k's fallback when its check fails (or every step and check when all pass).
    /// </summary>
    public static long MaxCalls(OrchestrationDefinition definition)
    {
        long path = 0;
        long most = 0;
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            path += Attempts(step.Delivery);
            if (definition.CheckFor(i) is { } check)
            {
                path += (check.Retries + 1L) * Attempts(check.Delivery);
                if (definition.FallbackFor(i) is not null)
                {
                    most = Math.Max(most, path + Attempts(definition.Delivery));
                }
            }
        }

        return Math.Max(most, path);
    }

    /// <summary>Why an orchestration that could make <paramref name="calls"/> calls is refused under <paramref name="limit"/>, for the caller.</summary>
    public static string Refusal(long calls, long limit) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"This orchestration could make up to {calls} calls (every step's attempts, each condition check's retries times its attempts, " +
        $"and a fallback's attempts); the limit of calls per orchestration is {limit}. Use fewer steps, attempts or check retries.");

    // A policy stored before delivery policies existed means one attempt.
    private static long Attempts(DeliveryPolicy? delivery) => delivery?.Retry.MaxAttempts ?? 1;
}
