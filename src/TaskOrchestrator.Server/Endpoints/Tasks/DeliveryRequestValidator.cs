using TaskOrchestrator.Delivery;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>Checks the delivery fields of a task, step or check and merges them over the configured defaults.</summary>
internal static class DeliveryRequestValidator
{
    /// <summary>The longest attempt timeout a task may ask for (a Lambda's longest run).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(15);

    /// <summary>The shortest attempt timeout a task may ask for.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The values <c>authentication</c> accepts.</summary>
    public static readonly string[] Authentications = ["none", "awsSigV4"];

    private static readonly long MaxDelayMs = (long)RetryOptions.MaxDelayLimit.TotalMilliseconds;

    /// <summary>
    /// The policy the fields ask for over <paramref name="defaults"/>; problems are named under <paramref name="prefix"/>
    /// (e.g. <c>tasks[0].</c>, or empty for a task).
    /// </summary>
    public static DeliveryPolicy Validate(
        RetryRequest? retry, long? timeoutInMs, string? authentication, DeliveryPolicy defaults, string prefix, Dictionary<string, string[]> errors)
    {
        var policy = defaults.Retry;
        if (retry is not null)
        {
            policy = ValidateRetry(retry, policy, $"{prefix}retry", errors);
        }

        var timeout = defaults.Timeout;
        if (timeoutInMs is { } ms)
        {
            if (ms < MinTimeout.TotalMilliseconds || ms > MaxTimeout.TotalMilliseconds)
            {
                errors[$"{prefix}timeoutInMS"] = [$"timeoutInMS must be from {MinTimeout.TotalMilliseconds:0} to {MaxTimeout.TotalMilliseconds:0} (15 minutes)."];
            }
            else
            {
                timeout = TimeSpan.FromMilliseconds(ms);
            }
        }

        var auth = defaults.Authentication;
        if (authentication is not null)
        {
            if (string.Equals(authentication, "none", StringComparison.OrdinalIgnoreCase))
            {
                auth = TargetAuthentication.None;
            }
            else if (string.Equals(authentication, "awsSigV4", StringComparison.OrdinalIgnoreCase))
            {
                auth = TargetAuthentication.AwsSigV4;
            }
            else
            {
                errors[$"{prefix}authentication"] = [$"'{authentication}' is not supported; use one of {string.Join(", ", Authentications)}."];
            }
        }

        return new DeliveryPolicy(policy, timeout, auth);
    }

    /// <summary>The API's name of an authentication.</summary>
    public static string NameOf(TargetAuthentication authentication) => authentication == TargetAuthentication.AwsSigV4 ? "awsSigV4" : "none";

    private static RetryPolicy ValidateRetry(RetryRequest retry, RetryPolicy defaults, string path, Dictionary<string, string[]> errors)
    {
        var problems = new List<string>();
        if (retry.MaxAttempts is < 1 or > RetryOptions.MaxAttemptsLimit)
        {
            problems.Add($"maxAttempts must be from 1 to {RetryOptions.MaxAttemptsLimit}.");
        }

        if (retry.InitialDelayInMs is < 0 || retry.InitialDelayInMs > MaxDelayMs)
        {
            problems.Add($"initialDelayInMS must be from 0 to {MaxDelayMs} (24 hours).");
        }

        if (retry.MaxDelayInMs is < 0 || retry.MaxDelayInMs > MaxDelayMs)
        {
            problems.Add($"maxDelayInMS must be from 0 to {MaxDelayMs} (24 hours).");
        }

        if (retry.BackoffCoefficient is { } coefficient && (!double.IsFinite(coefficient) || coefficient is < 1 or > RetryOptions.MaxBackoffCoefficient))
        {
            problems.Add($"backoffCoefficient must be from 1 to {RetryOptions.MaxBackoffCoefficient}.");
        }

        if (retry.Jitter is { } jitter && (!double.IsFinite(jitter) || jitter is < 0 or > 1))
        {
            problems.Add("jitter must be from 0 to 1.");
        }

        if (retry.RetryOn is { } conditions)
        {
            if (conditions.Count > 32)
            {
                problems.Add("retryOn may have at most 32 entries.");
            }
            else
            {
                problems.AddRange(conditions.Select(RetryOptions.CheckCondition).OfType<string>());
            }
        }

        var policy = new RetryPolicy(
            retry.MaxAttempts ?? defaults.MaxAttempts,
            retry.InitialDelayInMs is { } initial ? TimeSpan.FromMilliseconds(initial) : defaults.InitialDelay,
            retry.BackoffCoefficient ?? defaults.BackoffCoefficient,
            retry.MaxDelayInMs is { } max ? TimeSpan.FromMilliseconds(max) : defaults.MaxDelay,
            retry.Jitter ?? defaults.Jitter,
            retry.RetryOn is { } on ? [.. on.Distinct(StringComparer.OrdinalIgnoreCase)] : defaults.RetryOn);
        if (problems.Count == 0 && policy.MaxDelay < policy.InitialDelay)
        {
            problems.Add($"maxDelayInMS ({policy.MaxDelay.TotalMilliseconds:0}) must not be less than initialDelayInMS ({policy.InitialDelay.TotalMilliseconds:0}).");
        }

        if (problems.Count > 0)
        {
            errors[path] = [.. problems];
        }

        return policy;
    }
}
