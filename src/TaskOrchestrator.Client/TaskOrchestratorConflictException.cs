using System.Net;

namespace TaskOrchestrator.Client;

/// <summary>409: the task or orchestration can no longer be changed or cancelled (it is running or finished).</summary>
public sealed class TaskOrchestratorConflictException(string? title, string? detail, string? type = null)
    : TaskOrchestratorException(HttpStatusCode.Conflict, title, detail, type);
