using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Quotas;

/// <summary>What tasks and orchestrations tell their owner's <see cref="IOwnerQuotaGrain"/> when they reach a final status.</summary>
internal static class PendingRelease
{
    /// <summary>A task finished; only standalone tasks were counted (steps, checks and fallbacks belong to an orchestration).</summary>
    public static void TaskFinished(IGrainFactory grains, TaskDefinition? definition)
    {
        if (definition is { OrchestrationId: null, ScheduleId: null } task)
        {
            grains.GetGrain<IOwnerQuotaGrain>(OwnerQuotaKey.For(task.Owner)).ReleaseAsync(PendingKind.Task).Ignore();
        }
    }

    /// <summary>An orchestration finished; those a schedule created were not counted.</summary>
    public static void OrchestrationFinished(IGrainFactory grains, OrchestrationDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.ScheduleId is null)
        {
            grains.GetGrain<IOwnerQuotaGrain>(OwnerQuotaKey.For(definition.Owner)).ReleaseAsync(PendingKind.Orchestration).Ignore();
        }
    }

    /// <summary>A schedule was deleted.</summary>
    public static void ScheduleDeleted(IGrainFactory grains, string owner) =>
        grains.GetGrain<IOwnerQuotaGrain>(OwnerQuotaKey.For(owner)).ReleaseAsync(PendingKind.Schedule).Ignore();
}
