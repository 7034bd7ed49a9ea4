using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Server.Endpoints.Labels;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>
/// Turns valid orchestration requests (in their one shape, see <see cref="NormalizedOrchestrationRequest"/> and
/// <see cref="OrchestrationRequestValidator"/>) into the grain contracts. Delivery settings a step or check does not give
/// are the orchestration's, and those it does not give the configured defaults.
/// </summary>
internal static class OrchestrationRequestMapping
{
    /// <summary>A condition check's delay between attempts unless it gives one.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The orchestration <paramref name="request"/> asks for, of <paramref name="owner"/>, accepted at <paramref name="createdAt"/>.</summary>
    public static OrchestrationDefinition ToDefinition(this OrchestrationRequest request, string owner, DateTimeOffset createdAt, DeliveryPolicy defaults)
    {
        var delivery = OwnDelivery(request, defaults) ?? defaults;
        return new OrchestrationDefinition(
            owner, createdAt, createdAt.AddMilliseconds(request.InitialDelayInMs ?? 0), Steps(request.Tasks!, delivery), Check(request.ConditionCheck, delivery),
            request.FallbackTaskUrl, delivery, Labels: LabelRules.ToLabels(request.Labels) is { Count: > 0 } labels ? labels : null,
            Retention: Callbacks.CallbackRequestValidator.ToRetention(request.RetentionInMs),
            Callback: request.Callback.ToCallback());
    }

    /// <summary>
    /// The change <paramref name="request"/> asks for (a part not given is kept); unless it changes the start time
    /// alone, the grain refuses it when the result could make more than <paramref name="maxCalls"/> calls.
    /// </summary>
    public static OrchestrationChange ToChange(this OrchestrationRequest request, DeliveryPolicy defaults, long maxCalls)
    {
        var delivery = OwnDelivery(request, defaults);
        var inherited = delivery ?? defaults;
        var steps = request.Tasks is { } tasks ? Steps(tasks, inherited) : null;
        var check = Check(request.ConditionCheck, inherited);

        // A change of the start time alone leaves the work as it was, and is not refused for an orchestration created
        // under a higher limit.
        var changesWork = steps is not null || check is not null || request.FallbackTaskUrl is not null || delivery is not null;
        return new OrchestrationChange(
            null, steps, check, request.FallbackTaskUrl, delivery, MaxCalls: changesWork ? maxCalls : null,
            InitialDelay: request.InitialDelayInMs is { } delay ? TimeSpan.FromMilliseconds(delay) : null, Labels: LabelRules.ToLabels(request.Labels));
    }

    // The orchestration's own delivery settings, when it gives any (they apply to its fallback, and steps and checks inherit them).
    private static DeliveryPolicy? OwnDelivery(OrchestrationRequest request, DeliveryPolicy defaults) =>
        request.Retry is null && request.TimeoutInMs is null && request.Authentication is null ? null : request.ToDeliveryPolicy(defaults);

    private static List<OrchestrationStepDefinition> Steps(List<OrchestrationTaskRequest?> tasks, DeliveryPolicy inherited) =>
    [
        .. tasks.Select(task => new OrchestrationStepDefinition(
            task!.TaskUrl!, CallMethods.Normalize(task.Method, "POST"), task.Headers, task.Body, Check(task.ConditionCheck, inherited), task.FallbackTaskUrl,
            task.ToDeliveryPolicy(inherited))),
    ];

    private static ConditionCheckDefinition? Check(ConditionCheckRequestBody? check, DeliveryPolicy inherited) => check is null ? null : new(
        check.TaskUrl!,
        CallMethods.Normalize(check.Method, "GET"),
        check.DelayInMs is { } delay ? TimeSpan.FromMilliseconds(delay) : TimeSpan.Zero,
        check.Retries ?? 0,
        check.RetryDelayInMs is { } retryDelay ? TimeSpan.FromMilliseconds(retryDelay) : DefaultRetryDelay,
        check.ToDeliveryPolicy(inherited));
}
