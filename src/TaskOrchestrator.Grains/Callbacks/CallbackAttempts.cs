using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Callbacks;

/// <summary>How an attempt of a completion callback moves its delivery on; the same for tasks and orchestrations.</summary>
public static class CallbackAttempts
{
    /// <summary>
    /// <paramref name="delivery"/> after an attempt ended with <paramref name="response"/> at <paramref name="now"/>:
    /// Delivered on 2xx; otherwise Pending again after <paramref name="policy"/>'s backoff (a <c>Retry-After</c> at most
    /// <paramref name="maxRetryAfter"/>) when it retries that failure and allows another attempt, else Failed for good.
    /// </summary>
    public static CallbackDelivery After(
        CallbackDelivery delivery, TaskResponse response, RetryPolicy policy, double random, DateTimeOffset now, TimeSpan maxRetryAfter)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(policy);
        var attempts = delivery.Attempts + 1;
        delivery = delivery with { Attempts = attempts, LastStatusCode = response.StatusCode, LastError = response.Error };
        if (response.IsSuccess)
        {
            return delivery with { Status = CallbackStatus.Delivered, NextAttemptAt = null, FinishedAt = now };
        }

        if (policy.Retries(response) && attempts < policy.MaxAttempts)
        {
            var retryAfter = response.RetryAfter is { } asked && asked > maxRetryAfter ? maxRetryAfter : response.RetryAfter;
            return delivery with { NextAttemptAt = now + policy.DelayAfter(attempts, random, retryAfter) };
        }

        return delivery with { Status = CallbackStatus.Failed, NextAttemptAt = null, FinishedAt = now };
    }
}
