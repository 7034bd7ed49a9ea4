namespace TaskOrchestrator.Tasks;

/// <summary>
/// When a failed attempt is made again, and after how long: attempt n+1 starts
/// <c>min(InitialDelay × BackoffCoefficient^(n-1), MaxDelay)</c> after attempt n finished, shortened by up to
/// <see cref="Jitter"/> of itself at random, and never sooner than a <c>Retry-After</c> the target sent.
/// </summary>
/// <param name="MaxAttempts">Attempts with an outcome, the first included (1 = never retry). An attempt cut short by a silo's death is made again and does not count.</param>
/// <param name="InitialDelay">The pause after the first failed attempt.</param>
/// <param name="BackoffCoefficient">How much each pause grows over the previous one (1 = constant).</param>
/// <param name="MaxDelay">The longest pause backoff reaches (a target's <c>Retry-After</c> may ask for longer).</param>
/// <param name="Jitter">The fraction (0 to 1) by which a pause is shortened at random, so that retries spread out.</param>
/// <param name="RetryOn">
/// The failures that are retried: <c>connectionError</c>, <c>timeout</c>, a status code (<c>"503"</c>) or a class of
/// them (<c>"5xx"</c>). Anything else (other 4xx, a target refused by the network policy) fails the task at once.
/// </param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.RetryPolicy")]
public sealed record RetryPolicy(
    [property: Id(0)] int MaxAttempts,
    [property: Id(1)] TimeSpan InitialDelay,
    [property: Id(2)] double BackoffCoefficient,
    [property: Id(3)] TimeSpan MaxDelay,
    [property: Id(4)] double Jitter,
    [property: Id(5)] IReadOnlyList<string> RetryOn)
{
    /// <summary>The condition a connection failure (refused, reset, DNS) matches.</summary>
    public const string ConnectionError = "connectionError";

    /// <summary>The condition an attempt that got no answer within its timeout matches.</summary>
    public const string Timeout = "timeout";

    /// <summary>Retried when nothing else is said: connection errors, timeouts, 408, 429 and 5xx.</summary>
    public static readonly IReadOnlyList<string> DefaultRetryOn = [ConnectionError, Timeout, "408", "429", "5xx"];

    /// <summary>Value equality, <see cref="RetryOn"/> included.</summary>
    public bool Equals(RetryPolicy? other) =>
        other is not null && MaxAttempts == other.MaxAttempts && InitialDelay == other.InitialDelay && BackoffCoefficient.Equals(other.BackoffCoefficient)
        && MaxDelay == other.MaxDelay && Jitter.Equals(other.Jitter) && RetryOn.SequenceEqual(other.RetryOn);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(MaxAttempts, InitialDelay, BackoffCoefficient, MaxDelay, Jitter, RetryOn.Count);

    /// <summary>True when <paramref name="response"/> is a failure this policy retries (regardless of attempts left).</summary>
    public bool Retries(TaskResponse response)
    {
        if (response.IsSuccess)
        {
            return false;
        }

        var condition = response switch
        {
            { StatusCode: { } code } => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
            { Failure: DeliveryFailure.Timeout } => Timeout,
            { Failure: DeliveryFailure.Connection } => ConnectionError,
            _ => null,
        };

        return condition is not null && RetryOn.Any(c =>
            string.Equals(c, condition, StringComparison.OrdinalIgnoreCase)
            || (condition.Length == 3 && c.Length == 3 && c[0] == condition[0] && c.EndsWith("xx", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// The pause after attempt <paramref name="attempt"/> (1-based) failed; <paramref name="random"/> in [0, 1) applies
    /// the jitter, and a target's <paramref name="retryAfter"/> is a floor.
    /// </summary>
    public TimeSpan DelayAfter(int attempt, double random, TimeSpan? retryAfter = null)
    {
        var backoff = InitialDelay.TotalMilliseconds * Math.Pow(BackoffCoefficient, Math.Max(0, attempt - 1));
        var capped = double.IsFinite(backoff) ? Math.Min(backoff, MaxDelay.TotalMilliseconds) : MaxDelay.TotalMilliseconds;
        var delay = TimeSpan.FromMilliseconds(capped * (1 - Jitter * random));
        return retryAfter is { } floor && floor > delay ? floor : delay;
    }
}
