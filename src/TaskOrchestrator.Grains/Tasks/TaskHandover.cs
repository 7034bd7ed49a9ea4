using Orleans.Runtime.Placement;

namespace TaskOrchestrator.Tasks;

/// <summary>
/// Brings back a task activation that Orleans takes away on its own: its silo is shutting down, or the silo that held
/// its grain-directory entry died (Orleans then deactivates the survivors' activations registered there). Without this,
/// a task with an armed timer would wait for its reminder's next tick, up to a reminder period or the reminder grace
/// after its due time; with it, the new activation arms the timer again within milliseconds.
/// </summary>
public sealed class TaskHandover(IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails silo)
{
    private uint _next;

    /// <summary>
    /// Sends task <paramref name="taskId"/> a one-way wake-up. Called by its ending activation, the message waits behind
    /// it and then goes to a new activation: on this silo (task grains prefer local placement), or, when
    /// <paramref name="elsewhere"/>, on the other active silos in turn. Returns false when there is no other silo; the
    /// task's reminder brings it back once one runs again.
    /// </summary>
    public bool Wake(Guid taskId, bool elsewhere)
    {
        if (!elsewhere)
        {
            grains.GetGrain<ITaskGrain>(taskId).WakeAsync().Ignore();
            return true;
        }

        var others = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress))
            .Select(m => m.SiloAddress)
            .ToArray();
        if (others.Length == 0)
        {
            return false;
        }

        RequestContext.Set(IPlacementDirector.PlacementHintKey, others[Interlocked.Increment(ref _next) % others.Length]);
        try
        {
            grains.GetGrain<ITaskGrain>(taskId).WakeAsync().Ignore();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        return true;
    }
}
