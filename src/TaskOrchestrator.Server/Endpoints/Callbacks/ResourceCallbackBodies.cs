using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Callbacks;

/// <summary>The body of a completion callback: the resource exactly as <c>GET</c> shows it, with the API's JSON settings.</summary>
public sealed class ResourceCallbackBodies(IOptions<JsonOptions> json, DeliveryDefaults defaults) : ICallbackBodies
{
    /// <inheritdoc />
    public byte[] Task(TaskSnapshot task) =>
        JsonSerializer.SerializeToUtf8Bytes(TaskResource.From(task, defaults.Policy.Timeout), json.Value.SerializerOptions);

    /// <inheritdoc />
    public byte[] Orchestration(OrchestrationSnapshot orchestration) =>
        JsonSerializer.SerializeToUtf8Bytes(OrchestrationResource.From(orchestration), json.Value.SerializerOptions);
}
