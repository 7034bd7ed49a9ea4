using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Labels;

namespace TaskOrchestrator.Server.Endpoints.Labels;

/// <summary>
/// Checks labels as callers give them (a <c>labels</c> object in a body, a <c>label=key:value</c> query parameter) against
/// <see cref="LabelSet"/>'s rules; every problem names the label, its key cut to <see cref="LabelSet.MaxKeyLength"/>
/// characters so that nothing unbounded is echoed.
/// </summary>
internal static class LabelRules
{
    /// <summary>The most <c>label=</c> parameters one listing takes.</summary>
    public const int MaxFilters = LabelSet.MaxCount;

    /// <summary>Checks the labels of a body, reporting problems under <paramref name="field"/>.</summary>
    public static void Validate(IReadOnlyDictionary<string, string?>? labels, Dictionary<string, string[]> errors, string field = "labels")
    {
        if (labels is null)
        {
            return;
        }

        if (labels.Count > LabelSet.MaxCount)
        {
            errors[field] = [$"At most {LabelSet.MaxCount} labels are allowed; {labels.Count} were given."];
            return;
        }

        var problems = new List<string>();
        foreach (var (key, value) in labels)
        {
            if (KeyProblem(key) is { } keyProblem)
            {
                problems.Add(keyProblem);
            }
            else if (ValueProblem(key, value) is { } valueProblem)
            {
                problems.Add(valueProblem);
            }
        }

        if (problems.Count > 0)
        {
            errors[field] = [.. problems];
        }
    }

    /// <summary>The labels of a valid body as the grains take them (null when none were given).</summary>
    public static IReadOnlyDictionary<string, string>? ToLabels(IReadOnlyDictionary<string, string?>? labels) =>
        labels is null ? null : labels.ToDictionary(l => l.Key, l => l.Value!, StringComparer.Ordinal);

    /// <summary>
    /// The <c>label=key:value</c> parameters of a listing (split at the first colon: a key holds none, a value may), or a
    /// 400 naming the first one that is malformed.
    /// </summary>
    public static (List<KeyValuePair<string, string>>? Filter, ProblemHttpResult? Problem) ParseFilter(IReadOnlyList<string?>? parameters)
    {
        if (parameters is null || parameters.Count == 0)
        {
            return (null, null);
        }

        if (parameters.Count > MaxFilters)
        {
            return (null, RouteProblems.BadRequest($"At most {MaxFilters} label parameters are allowed; {parameters.Count} were given."));
        }

        var filter = new List<KeyValuePair<string, string>>(parameters.Count);
        foreach (var parameter in parameters)
        {
            var colon = parameter?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon < 0)
            {
                return (null, RouteProblems.BadRequest($"label must be key:value (e.g. label=team:billing); '{Cut(parameter ?? "")}' has no colon."));
            }

            var (key, value) = (parameter![..colon], parameter[(colon + 1)..]);
            if ((KeyProblem(key) ?? ValueProblem(key, value)) is { } problem)
            {
                return (null, RouteProblems.BadRequest($"label '{Cut(parameter)}' is not valid: {problem}"));
            }

            filter.Add(new(key, value));
        }

        return (filter, null);
    }

    private static string? KeyProblem(string key) => LabelSet.IsValidKey(key)
        ? null
        : key.Length == 0
            ? "A label key may not be empty."
            : key.Length > LabelSet.MaxKeyLength
                ? $"The label key '{Cut(key)}' is longer than {LabelSet.MaxKeyLength} characters."
                : $"The label key '{Cut(key)}' may hold only A-Z, a-z, 0-9, '.', '_', '/' and '-', and must start with a letter or digit.";

    private static string? ValueProblem(string key, string? value) => value switch
    {
        null => $"The value of label '{Cut(key)}' must be a string.",
        { Length: > LabelSet.MaxValueLength } => $"The value of label '{Cut(key)}' is longer than {LabelSet.MaxValueLength} characters.",
        _ when !LabelSet.IsValidValue(value) => $"The value of label '{Cut(key)}' may not hold control characters or broken surrogate pairs.",
        _ => null,
    };

    // Echoed text is bounded; control characters are shown as '?' so a problem message is always one printable line.
    private static string Cut(string text)
    {
        var shown = text.Length > LabelSet.MaxKeyLength ? text[..LabelSet.MaxKeyLength] + "…" : text;
        return string.Create(shown.Length, shown, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }
}
