using System.Net;

namespace TaskOrchestrator.Client;

/// <summary>404: no task or orchestration with that id exists, or it belongs to another subject.</summary>
public sealed class TaskOrchestratorNotFoundException(string? title, string? detail, string? type = null)
    : TaskOrchestratorException(HttpStatusCode.NotFound, title, detail, type);
