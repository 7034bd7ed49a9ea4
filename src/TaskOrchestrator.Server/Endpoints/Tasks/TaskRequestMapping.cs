using TaskOrchestrator.Server.Endpoints.Callbacks;
using TaskOrchestrator.Server.Endpoints.Labels;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>Turns valid task requests (see <see cref="TaskRequestValidator"/>) into the grain contracts.</summary>
internal static class TaskRequestMapping
{
    /// <summary>
    /// The task <paramref name="request"/> asks for, of <paramref name="owner"/>, accepted at <paramref name="createdAt"/>;
    /// its delivery settings not given are <paramref name="defaults"/>' (the configured ones).
    /// </summary>
    public static TaskDefinition ToDefinition(this CreateTaskRequest request, string owner, DateTimeOffset createdAt, DeliveryPolicy defaults)
    {
        var dueAt = request.DelayInMs is { } delay ? createdAt.AddMilliseconds(delay) : request.RunAt!.Value;
        return new TaskDefinition(
            owner, request.TaskUrl!, CallMethods.Normalize(request.Method, "POST"), request.Headers, request.Body, createdAt, NotBefore(dueAt, createdAt),
            Delivery: request.ToDeliveryPolicy(defaults), Labels: LabelRules.ToLabels(request.Labels) is { Count: > 0 } labels ? labels : null,
            Callback: request.Callback.ToCallback(), Retention: CallbackRequestValidator.ToRetention(request.RetentionInMs));
    }

    /// <summary>The change <paramref name="request"/> asks for at <paramref name="now"/>.</summary>
    public static TaskChange ToChange(this UpdateTaskRequest request, DateTimeOffset now) => new(
        request.DelayInMs is null && request.RunAt is null ? null : request.ToDueTimeChange(now), LabelRules.ToLabels(request.Labels));

    /// <summary>When the rerun <paramref name="request"/> asks for (now unless it says otherwise) is due.</summary>
    public static DateTimeOffset RerunDueAt(this RerunTaskRequest? request, DateTimeOffset now) => request switch
    {
        { DelayInMs: { } delay } => now.AddMilliseconds(delay),
        { RunAt: { } runAt } => NotBefore(runAt, now),
        _ => now,
    };

    /// <summary>The new due time <paramref name="request"/> asks for at <paramref name="now"/>; a delay counts from the task's creation, which the grain knows.</summary>
    public static DueTimeChange ToDueTimeChange(this UpdateTaskRequest request, DateTimeOffset now) => request.DelayInMs is { } delay
        ? new DueTimeChange(null, TimeSpan.FromMilliseconds(delay))
        : new DueTimeChange(NotBefore(request.RunAt!.Value, now));

    // A time already past means "run now".
    private static DateTimeOffset NotBefore(DateTimeOffset requested, DateTimeOffset now) => requested < now ? now : requested.ToUniversalTime();
}
