using System.Net;

namespace TaskOrchestrator.Client;

/// <summary>400: the request was not valid; <see cref="Errors"/> names each field's problems, when the service listed them.</summary>
public sealed class TaskOrchestratorValidationException(string? title, string? detail, IReadOnlyDictionary<string, string[]> errors, string? type = null)
    : TaskOrchestratorException(Describe(title, detail, errors), HttpStatusCode.BadRequest, title, detail, type, retryAfter: null)
{
    /// <summary>Each field's problems, by the field's JSON name (e.g. <c>taskURL</c>); empty when the problem is not one field's.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    private static string Describe(string? title, string? detail, IReadOnlyDictionary<string, string[]> errors) =>
        Describe(HttpStatusCode.BadRequest, title, errors.Count == 0 ? detail : string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))));
}
