using System.Globalization;

namespace TaskOrchestrator.Delivery;

/// <summary>
/// The headers every call carries so that its target can tell which task and attempt it is, and de-duplicate.
/// </summary>
/// <remarks>
/// <c>Idempotency-Key</c> is <c>{task id}:{attempt}</c>: the same value arrives twice only when one attempt was
/// delivered twice (the activation making it went away, with its silo or in a failover, before recording that it had
/// started), so a target may drop the second. A higher
/// attempt number is a deliberate retry: the previous attempt failed or its outcome was lost. A target that must act
/// once per task de-duplicates on <see cref="TaskId"/> instead.
/// </remarks>
public static class DeliveryHeaders
{
    /// <summary><c>{task id}:{attempt}</c>, the same for every delivery of one attempt.</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>The task's id, the same for every attempt.</summary>
    public const string TaskId = "TaskOrchestrator-Task-Id";

    /// <summary>The attempt's number, 1 for the first.</summary>
    public const string Attempt = "TaskOrchestrator-Attempt";

    /// <summary>The orchestration the task is a step, check or fallback of; absent for a standalone task.</summary>
    public const string OrchestrationId = "TaskOrchestrator-Orchestration-Id";

    /// <summary>Sets the headers on <paramref name="request"/>, replacing any of the same name the task carried.</summary>
    public static void Apply(HttpRequestMessage request, Guid taskId, int attempt, Guid? orchestrationId)
    {
        var id = taskId.ToString("D");
        var number = attempt.ToString(CultureInfo.InvariantCulture);
        Set(request, IdempotencyKey, $"{id}:{number}");
        Set(request, TaskId, id);
        Set(request, Attempt, number);
        if (orchestrationId is { } orchestration)
        {
            Set(request, OrchestrationId, orchestration.ToString("D"));
        }
        else
        {
            request.Headers.Remove(OrchestrationId);
        }
    }

    private static void Set(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Content?.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }
}
