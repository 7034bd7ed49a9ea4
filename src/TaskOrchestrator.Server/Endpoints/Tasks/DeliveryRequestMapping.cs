using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>Turns valid delivery fields (<see cref="IDeliveryFields"/>) into the policy the grain contracts hold.</summary>
internal static class DeliveryRequestMapping
{
    /// <summary>The policy <paramref name="fields"/> ask for: each field not given is <paramref name="inherited"/>'s.</summary>
    public static DeliveryPolicy ToDeliveryPolicy(this IDeliveryFields fields, DeliveryPolicy inherited) => new(
        fields.Retry?.ToPolicy(inherited.Retry) ?? inherited.Retry,
        fields.TimeoutInMs is { } ms ? TimeSpan.FromMilliseconds(ms) : inherited.Timeout,
        fields.Authentication is { } name && AuthenticationNames.TryParse(name, out var authentication) ? authentication : inherited.Authentication);

    /// <summary>The retry policy <paramref name="retry"/> asks for: each field not given is <paramref name="inherited"/>'s.</summary>
    public static RetryPolicy ToPolicy(this RetryRequest retry, RetryPolicy inherited) => new(
        retry.MaxAttempts ?? inherited.MaxAttempts,
        retry.InitialDelayInMs is { } initial ? Milliseconds(initial) : inherited.InitialDelay,
        retry.BackoffCoefficient ?? inherited.BackoffCoefficient,
        retry.MaxDelayInMs is { } max ? Milliseconds(max) : inherited.MaxDelay,
        retry.Jitter ?? inherited.Jitter,
        retry.RetryOn is { } on ? [.. on.Distinct(StringComparer.OrdinalIgnoreCase)] : inherited.RetryOn);

    // A valid request's delays are at most a day. Only the validator maps a policy that may be invalid (an
    // orchestration's, which its steps' and checks' policies are checked merged over): a delay past what a TimeSpan
    // holds is held at the limit rather than thrown over.
    private static TimeSpan Milliseconds(long ms) =>
        TimeSpan.FromMilliseconds(Math.Clamp(ms, (long)TimeSpan.MinValue.TotalMilliseconds, (long)TimeSpan.MaxValue.TotalMilliseconds));
}
