using TaskOrchestrator.Listing;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Indexing;

/// <summary>
/// Lists tasks, newest first. Grain state cannot be queried, so the task store keeps, beside each task's state, the
/// columns a listing filters on and the task's snapshot; this reads only those.
/// </summary>
public interface ITaskIndex : IListing<TaskSnapshot, ScheduledTaskStatus>;
