using Orleans.Concurrency;

namespace TaskOrchestrator.Tasks;

/// <summary>
/// A grain that wants to hear when a task it scheduled reaches a final status (<see cref="TaskDefinition.Observer"/>).
/// The notification is one-way: the task never waits for its observer, so no call cycle can form; an observer that
/// misses one (its silo died) finds the outcome with <see cref="ITaskGrain.GetAsync"/> on its own recovery reminder.
/// </summary>
public interface ITaskObserver : IGrain
{
    /// <summary>The task reached Completed, Failed or Cancelled; its state is stored before this is sent. May arrive more than once.</summary>
    [OneWay]
    Task OnTaskFinishedAsync(TaskSnapshot task);
}
