using TaskOrchestrator.Delivery;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>Checks the delivery fields of a task, step or check (<see cref="IDeliveryFields"/>); every problem is named by its field's JSON path.</summary>
internal static class DeliveryRequestValidator
{
    /// <summary>The longest attempt timeout a task may ask for (a Lambda's longest run).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(15);

    /// <summary>The shortest attempt timeout a task may ask for.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);

    private static readonly long MaxDelayMs = (long)RetryOptions.MaxDelayLimit.TotalMilliseconds;

    /// <summary>
    /// Adds the problems of <paramref name="fields"/> to <paramref name="errors"/>, named under <paramref name="prefix"/>
    /// (e.g. <c>tasks[0].</c>, or empty for a task). A retry policy is checked as it results once merged over
    /// <paramref name="inheritedRetry"/>.
    /// </summary>
    public static void Validate(IDeliveryFields fields, RetryPolicy inheritedRetry, string prefix, Dictionary<string, string[]> errors)
    {
        if (fields.Retry is { } retry)
        {
            ValidateRetry(retry, inheritedRetry, $"{prefix}retry", errors);
        }

        if (fields.TimeoutInMs is { } ms && (ms < MinTimeout.TotalMilliseconds || ms > MaxTimeout.TotalMilliseconds))
        {
            errors[$"{prefix}timeoutInMS"] = [$"timeoutInMS must be from {MinTimeout.TotalMilliseconds:0} to {MaxTimeout.TotalMilliseconds:0} (15 minutes)."];
        }

        if (fields.Authentication is { } authentication && !AuthenticationNames.TryParse(authentication, out _))
        {
            errors[$"{prefix}authentication"] = [$"'{authentication}' is not supported; use one of {string.Join(", ", AuthenticationNames.All)}."];
        }
    }

    private static void ValidateRetry(RetryRequest retry, RetryPolicy inherited, string path, Dictionary<string, string[]> errors)
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

        // Only once every field is within its bounds: the merged policy is then one a task may hold.
        if (problems.Count == 0 && retry.ToPolicy(inherited) is var policy && policy.MaxDelay < policy.InitialDelay)
        {
            problems.Add($"maxDelayInMS ({policy.MaxDelay.TotalMilliseconds:0}) must not be less than initialDelayInMS ({policy.InitialDelay.TotalMilliseconds:0}).");
        }

        if (problems.Count > 0)
        {
            errors[path] = [.. problems];
        }
    }
}
