using System.Globalization;
using System.Text;

namespace TaskOrchestrator.Delivery;

/// <summary>
/// Makes text that comes from outside (an exception's message can quote a target's bytes) fit to store, log and show:
/// at most <see cref="MaxLength"/> characters, on one line, with no control or invisible formatting characters.
/// </summary>
public static class ErrorText
{
    /// <summary>The longest text kept, in characters, the marker of a cut included.</summary>
    public const int MaxLength = 400;

    private const string Cut = "...";

    /// <summary>
    /// <paramref name="text"/> with tabs and line breaks replaced by spaces, every other control character (C0, DEL,
    /// C1), Unicode format character (such as a bidi override) and lone surrogate by <c>?</c>, cut to <see cref="MaxLength"/> characters with <c>...</c> at
    /// the end when longer; null stays null.
    /// </summary>
    public static string? Bound(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var limit = text.Length <= MaxLength ? text.Length : MaxLength - Cut.Length;
        var result = new StringBuilder(Math.Min(text.Length, MaxLength));
        for (var i = 0; i < limit; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (i + 1 >= limit)
                {
                    // The cut falls inside a pair: keep neither half.
                    break;
                }

                result.Append(c).Append(text[++i]);
            }
            else
            {
                result.Append(c is '\t' or '\r' or '\n' ? ' ' : IsUnsafe(c) ? '?' : c);
            }
        }

        if (limit < text.Length)
        {
            result.Append(Cut);
        }

        return result.ToString();
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
}
