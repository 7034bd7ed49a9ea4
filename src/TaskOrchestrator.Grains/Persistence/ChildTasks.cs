using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Persistence;

/// <summary>
/// "Make sure this child task exists": how orchestrations schedule their steps and fallbacks and condition checks their
/// attempts. The child's id is stored by the parent before this is called, so calling it again after a crash finds the
/// task already scheduled (or finished) instead of scheduling a second one.
/// </summary>
internal static class ChildTasks
{
    /// <summary>The task <paramref name="id"/> as it stands, scheduled from <paramref name="definition"/> first if it did not exist.</summary>
    public static async Task<TaskSnapshot?> EnsureAsync(IGrainFactory grains, Guid id, Func<TaskDefinition> definition)
    {
        var grain = grains.GetGrain<ITaskGrain>(id);
        return await grain.GetAsync() ?? (await grain.ScheduleAsync(definition())).Task;
    }
}
