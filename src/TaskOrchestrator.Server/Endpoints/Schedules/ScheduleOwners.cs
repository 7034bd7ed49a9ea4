using System.Security.Claims;
using TaskOrchestrator.Schedules;
using TaskOrchestrator.Server.Auth;

namespace TaskOrchestrator.Server.Endpoints.Schedules;

/// <summary>
/// Whose runs a listing by <c>scheduleId</c> reads. A caller reads its own: a schedule of another owner's has no runs
/// among them, so nothing leaks and nothing is looked up. An admin reads the schedule's owner's, which takes the schedule
/// (so for an admin the schedule must still exist; its owner lists the runs of a deleted one).
/// </summary>
public sealed class ScheduleOwners(ResourceLookup<IScheduleGrain, ScheduleSnapshot> schedules)
{
    /// <summary>The owner whose runs of <paramref name="scheduleId"/> the caller may list, or null for none.</summary>
    public async Task<string?> OwnerFor(ClaimsPrincipal user, Guid scheduleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.IsAdmin())
        {
            return user.Subject();
        }

        var (known, _) = await schedules.KnownIdAsync(scheduleId.ToString(), cancellationToken);
        return known is { } id ? (await schedules.FindAsync(id, user)).Found?.Definition.Owner : null;
    }
}
