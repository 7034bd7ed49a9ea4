namespace TaskOrchestrator.Tasks;

/// <summary>
/// A task's new due time: an instant, or a delay counted from the task's creation (how the API's PATCH gives it). A due
/// time already past means "run now".
/// </summary>
/// <param name="At">The new due time, when given as an instant.</param>
/// <param name="AfterCreation">The new due time as a delay after the task's creation.</param>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.DueTimeChange")]
public sealed record DueTimeChange(
    [property: Id(0)] DateTimeOffset? At,
    [property: Id(1)] TimeSpan? AfterCreation = null)
{
    /// <summary>The due time <paramref name="at"/>.</summary>
    public static implicit operator DueTimeChange(DateTimeOffset at) => FromDateTimeOffset(at);

    /// <summary>The due time <paramref name="at"/>.</summary>
    public static DueTimeChange FromDateTimeOffset(DateTimeOffset at) => new(at);

    /// <summary>The instant this change asks for, for a task created at <paramref name="createdAt"/>, never before <paramref name="now"/>.</summary>
    public DateTimeOffset DueAt(DateTimeOffset createdAt, DateTimeOffset now)
    {
        var requested = AfterCreation is { } delay ? createdAt + delay : At ?? now;
        return requested < now ? now : requested.ToUniversalTime();
    }
}
