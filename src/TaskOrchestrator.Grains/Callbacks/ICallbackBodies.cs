using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Callbacks;

/// <summary>
/// Renders the body of a completion callback: the resource exactly as the API's <c>GET</c> shows it. The gateway owns
/// that shape, so the host supplies this; <see cref="SnapshotCallbackBodies"/> stands in where there is no gateway.
/// </summary>
public interface ICallbackBodies
{
    /// <summary>The task as <c>GET /tasks/{id}</c> returns it, as UTF-8 JSON.</summary>
    byte[] Task(TaskSnapshot task);

    /// <summary>The orchestration as <c>GET /orchestrations/{id}</c> returns it, as UTF-8 JSON.</summary>
    byte[] Orchestration(OrchestrationSnapshot orchestration);
}
