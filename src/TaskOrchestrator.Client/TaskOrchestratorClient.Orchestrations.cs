using TaskOrchestrator.Client.Http;
using TaskOrchestrator.Client.Orchestrations;

namespace TaskOrchestrator.Client;

/// <summary>The orchestration calls of <see cref="TaskOrchestratorClient"/>.</summary>
public sealed partial class TaskOrchestratorClient
{
    /// <inheritdoc />
    public Task<Orchestration> ScheduleOrchestrationAsync(OrchestrationDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _api.SendAsync<Orchestration>(HttpMethod.Post, "orchestrations", definition, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Orchestration> CancelOrchestrationAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync<CancelOrchestrationAnswer>(HttpMethod.Put, $"orchestrations/{id}/cancel", null, cancellationToken)).Orchestration;

    /// <inheritdoc />
    public Task<OrchestrationProgress> GetOrchestrationStatusAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<OrchestrationProgress>(HttpMethod.Get, $"orchestrations/{id}/status", null, cancellationToken);

    /// <inheritdoc />
    public Task<Orchestration> ModifyOrchestrationAsync(Guid id, TimeSpan initialDelay, CancellationToken cancellationToken = default) =>
        ModifyOrchestrationAsync(id, new OrchestrationDefinition { InitialDelay = initialDelay }, cancellationToken);

    /// <inheritdoc />
    public Task<Orchestration> ModifyOrchestrationAsync(Guid id, OrchestrationDefinition change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _api.SendAsync<Orchestration>(HttpMethod.Patch, $"orchestrations/{id}", change, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Orchestration> GetOrchestrationAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Orchestration>(HttpMethod.Get, $"orchestrations/{id}", null, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<OrchestrationSummary> ListOrchestrationsAsync(
        OrchestrationStatus? status = null, int pageSize = 100, CancellationToken cancellationToken = default) =>
        _api.PagesAsync<OrchestrationSummary>(ListPath("orchestrations", status?.ToString(), pageSize), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<OrchestrationSummary>> GetAllOrchestrationsAsync(CancellationToken cancellationToken = default) =>
        await ListOrchestrationsAsync(null, ApiConnection.MaxPageSize, cancellationToken).ToListAsync(cancellationToken);
}
