using TaskOrchestrator.Listing;

namespace TaskOrchestrator.Schedules;

/// <summary>Lists schedules, newest first. Each schedule grain writes its summary here on every change, after its state is stored.</summary>
public interface IScheduleIndex : IListing<ScheduleSummary, ScheduleStatus>
{
    /// <summary>
    /// Writes (or replaces) the listing rows of one schedule, and deletes those of the <paramref name="stale"/> statuses
    /// and of the <paramref name="staleLabels"/> it no longer carries (see <see cref="LabelRows"/>).
    /// </summary>
    Task UpsertAsync(ScheduleSummary summary, StatusSet stale, IEnumerable<string>? staleLabels = null);

    /// <summary>
    /// Deletes every listing row of one schedule: those of the <paramref name="statuses"/> and its current one, of its
    /// labels and of the <paramref name="staleLabels"/>.
    /// </summary>
    Task RemoveAsync(ScheduleSummary summary, StatusSet statuses, IEnumerable<string>? staleLabels = null);
}
