namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>The JSON paths a condition check's problems are named by, as the caller gave its fields.</summary>
/// <param name="Url">Where its URL was given, e.g. <c>conditionCheck.taskURL</c> or the older <c>conditionCheckTaskURL</c>.</param>
/// <param name="Method">Where its method was given.</param>
/// <param name="Delay">Where its delay before the first attempt was given.</param>
/// <param name="Retries">Where its number of retries was given.</param>
/// <param name="RetryDelay">Where its delay between attempts was given.</param>
/// <param name="DeliveryPrefix">What its delivery fields' paths start with, e.g. <c>conditionCheck.</c>.</param>
internal sealed record ConditionCheckFields(string Url, string Method, string Delay, string Retries, string RetryDelay, string DeliveryPrefix)
{
    /// <summary>The paths of a check given as the object at <paramref name="path"/>.</summary>
    public static ConditionCheckFields Under(string path) =>
        new($"{path}.taskURL", $"{path}.method", $"{path}.delayInMS", $"{path}.retries", $"{path}.retryDelayInMS", $"{path}.");
}
