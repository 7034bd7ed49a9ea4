using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Retention;
using TaskOrchestrator.Server.Endpoints.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Callbacks;

/// <summary>Checks and maps the <c>callback</c> and <c>retentionInMS</c> fields a task (or a schedule's task) may carry.</summary>
internal static class CallbackRequestValidator
{
    /// <summary>Checks <paramref name="callback"/> and <paramref name="retentionInMs"/>; problems are named by their JSON path under <paramref name="prefix"/>.</summary>
    public static void Validate(CallbackRequest? callback, long? retentionInMs, string prefix, Dictionary<string, string[]> errors)
    {
        if (retentionInMs is { } retention
            && (retention < RetentionOptions.MinRetention.TotalMilliseconds || retention > RetentionOptions.MaxRetention.TotalMilliseconds))
        {
            errors[prefix + "retentionInMS"] =
                [$"retentionInMS must be between {(long)RetentionOptions.MinRetention.TotalMilliseconds} and {(long)RetentionOptions.MaxRetention.TotalMilliseconds} (366 days)."];
        }

        if (callback is null)
        {
            return;
        }

        TaskRequestValidator.ValidateUrl(callback.Url, errors, prefix + "callback.url");
        if (callback.On is not { } on)
        {
            return;
        }

        if (on.Count == 0)
        {
            errors[prefix + "callback.on"] = ["callback.on must name at least one ending; leave it out for all three."];
        }
        else if (on.Exists(o => o is null || !CompletionCallback.Outcomes.Contains(o, StringComparer.Ordinal)))
        {
            var unknown = on.First(o => o is null || !CompletionCallback.Outcomes.Contains(o, StringComparer.Ordinal));
            var shown = unknown is null ? "null" : $"'{(unknown.Length > 32 ? unknown[..32] + "…" : unknown)}'";
            errors[prefix + "callback.on"] = [$"{shown} is not an ending; use completed, failed or cancelled."];
        }
        else if (on.Distinct(StringComparer.Ordinal).Count() != on.Count)
        {
            errors[prefix + "callback.on"] = ["callback.on names an ending twice."];
        }
    }

    /// <summary>The callback a valid request asks for: <c>on</c> in the API's order, all three when not given.</summary>
    public static CompletionCallback? ToCallback(this CallbackRequest? callback) => callback is null
        ? null
        : new CompletionCallback(callback.Url!, callback.On is { } on ? [.. CompletionCallback.Outcomes.Where(on.Contains)] : CompletionCallback.Outcomes);

    /// <summary>The retention a valid request asks for, or null for the configured default.</summary>
    public static TimeSpan? ToRetention(long? retentionInMs) => retentionInMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
}
