using System.Net;

namespace TaskOrchestrator.Client;

/// <summary>
/// The service answered with an error: its ProblemDetails body (<see cref="Status"/>, <see cref="Title"/>,
/// <see cref="Detail"/>) says what was wrong. Subclasses name the common cases: <see cref="TaskOrchestratorNotFoundException"/>,
/// <see cref="TaskOrchestratorConflictException"/>, <see cref="TaskOrchestratorValidationException"/>.
/// </summary>
public class TaskOrchestratorException : Exception
{
    /// <summary>Creates the exception for an error answer.</summary>
    public TaskOrchestratorException(HttpStatusCode status, string? title, string? detail, string? type = null, TimeSpan? retryAfter = null)
        : this(Describe(status, title, detail), status, title, detail, type, retryAfter)
    {
    }

    /// <summary>Creates the exception with a message of the subclass's making.</summary>
    protected TaskOrchestratorException(string message, HttpStatusCode status, string? title, string? detail, string? type, TimeSpan? retryAfter)
        : base(message)
    {
        Status = status;
        Title = title;
        Detail = detail;
        Type = type;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status code of the answer.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The ProblemDetails title: what kind of problem.</summary>
    public string? Title { get; }

    /// <summary>The ProblemDetails detail: what was wrong with this request.</summary>
    public string? Detail { get; }

    /// <summary>The ProblemDetails type (a URI naming the problem kind).</summary>
    public string? Type { get; }

    /// <summary>How long to wait before retrying, when the service said (503 when saturated or its storage is slow).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The message for an error answer: its status, title and detail.</summary>
    protected static string Describe(HttpStatusCode status, string? title, string? detail) =>
        $"The task orchestrator answered {(int)status} {title ?? status.ToString()}{(string.IsNullOrEmpty(detail) ? "." : $": {detail}")}";
}
