namespace TaskOrchestrator.Labels;

/// <summary>
/// The rules of labels, the key-to-value pairs a caller puts on tasks, orchestrations and schedules to find them again:
/// at most <see cref="MaxCount"/> per resource; a key is 1 to <see cref="MaxKeyLength"/> characters of
/// <c>A-Z a-z 0-9 . _ / -</c> starting with a letter or digit; a value is 0 to <see cref="MaxValueLength"/> characters
/// with no control character. Keys are compared case-sensitively, values exactly.
/// </summary>
public static class LabelSet
{
    /// <summary>The most labels one resource may carry.</summary>
    public const int MaxCount = 16;

    /// <summary>The longest key.</summary>
    public const int MaxKeyLength = 64;

    /// <summary>The longest value.</summary>
    public const int MaxValueLength = 256;

    /// <summary>True for a key of 1 to 64 characters of <c>A-Z a-z 0-9 . _ / -</c> that starts with a letter or digit.</summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength }
        && char.IsAsciiLetterOrDigit(key[0])
        && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '/' or '-');

    /// <summary>True for a value of at most 256 characters, none of them a control character (nor half of a surrogate pair).</summary>
    public static bool IsValidValue(string? value)
    {
        if (value is null || value.Length > MaxValueLength)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]))
            {
                return false;
            }

            if (char.IsSurrogate(value[i]))
            {
                if (!char.IsHighSurrogate(value[i]) || i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="labels"/> holds every pair of <paramref name="filter"/> (an empty filter matches everything).</summary>
    public static bool Matches(IReadOnlyDictionary<string, string>? labels, IEnumerable<KeyValuePair<string, string>>? filter) =>
        filter is null || filter.All(pair => labels is not null && labels.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));

    /// <summary>True when both hold the same pairs; null and empty are the same.</summary>
    public static bool Equal(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && Matches(a, b);
}
