using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;

namespace TaskOrchestrator.Storage.Transactions;

/// <summary>
/// What the Table service answered to an entity-group transaction: each action's ETag in order, or the failure of the
/// action that broke it (nothing of the transaction is then stored).
/// </summary>
internal sealed class TransactionResponse
{
    private const int MaxErrorTextLength = 512;

    private TransactionResponse(string?[]? eTags, int? failedIndex, RequestFailedException? failure)
    {
        ETags = eTags;
        FailedIndex = failedIndex;
        Failure = failure;
    }

    /// <summary>The new ETag of each action, in the order sent (null for a delete); null when the transaction failed.</summary>
    public string?[]? ETags { get; }

    /// <summary>The index of the action that broke the transaction, when the service said which.</summary>
    public int? FailedIndex { get; }

    /// <summary>Why the transaction failed; null when it succeeded.</summary>
    public RequestFailedException? Failure { get; }

    /// <summary>
    /// Parses the body of a <c>202</c> answer to a transaction of <paramref name="actionCount"/> actions, whose
    /// <c>Content-Type</c> was <paramref name="contentType"/>. Throws <see cref="InvalidDataException"/> when the body
    /// does not have the shape of a transaction's answer.
    /// </summary>
    public static TransactionResponse Parse(string? contentType, ReadOnlySpan<byte> body, int actionCount)
    {
        var batchBoundary = Boundary(contentType is null ? default : Encoding.ASCII.GetBytes(contentType))
            ?? throw new InvalidDataException($"The $batch answer is not multipart (Content-Type '{Bounded(contentType)}').");
        var batchParts = Parts(body, .., batchBoundary, "batch");
        if (batchParts.Count != 1)
        {
            throw new InvalidDataException($"The $batch answer holds {batchParts.Count} batch parts, not one.");
        }

        var (batchHeaders, batchContent) = SplitHeaders(body, batchParts[0]);
        var changesetBoundary = Boundary(HeaderValue(body[batchHeaders], "Content-Type"u8));
        if (changesetBoundary is null)
        {
            // No changeset: the service refused the request as a whole, in one application/http part.
            return FromParts(body, [batchParts[0]], actionCount);
        }

        return FromParts(body, Parts(body, batchContent, changesetBoundary, "changeset"), actionCount);
    }

    /// <summary>A failure from an answer other than <c>202</c> (the request as a whole refused).</summary>
    public static RequestFailedException RequestFailure(int status, string? errorCode, ReadOnlySpan<byte> body)
    {
        var (code, message) = ErrorOf(body);
        return new RequestFailedException(status, $"Storage refused the $batch request ({status} {errorCode ?? code}): {message}", errorCode ?? code, null);
    }

    private static TransactionResponse FromParts(ReadOnlySpan<byte> body, List<Range> parts, int actionCount)
    {
        var eTags = new string?[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            var (_, message) = SplitHeaders(body, parts[i]);
            var (status, headers, content) = HttpMessage(body, message);
            if (status >= 300)
            {
                var (code, text) = ErrorOf(body[content]);
                var index = IndexOf(text) ?? ContentIndex(body[headers]) ?? (parts.Count == actionCount ? i : null);
                var failure = new RequestFailedException(
                    status, $"The transaction failed at action {index?.ToString(CultureInfo.InvariantCulture) ?? "?"} ({status} {code}): {text}", code, null);
                return new TransactionResponse(null, index, failure);
            }

            var eTag = HeaderValue(body[headers], "ETag"u8);
            eTags[i] = eTag.IsEmpty ? null : Encoding.UTF8.GetString(eTag);
        }

        if (parts.Count != actionCount)
        {
            throw new InvalidDataException($"The $batch answer holds {parts.Count} responses for {actionCount} actions.");
        }

        return new TransactionResponse(eTags, null, null);
    }

    // The failing action's index, which the service puts in front of the error message ("2:The update condition…").
    private static int? IndexOf(string message)
    {
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and < 6 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;
    }

    // Azurite also numbers the failing part with a Content-ID, from 1.
    private static int? ContentIndex(ReadOnlySpan<byte> headers) =>
        Utf8Parser.TryParse(HeaderValue(headers, "Content-ID"u8), out int id, out var consumed) && consumed > 0 && id > 0 ? id - 1 : null;

    private static (string? Code, string Message) ErrorOf(ReadOnlySpan<byte> content)
    {
        string? code = null;
        string? message = null;
        try
        {
            var reader = new Utf8JsonReader(content);
            string? property = null;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = reader.GetString();
                }
                else if (reader.TokenType == JsonTokenType.String && property == "code" && code is null)
                {
                    code = reader.GetString();
                }
                else if (reader.TokenType == JsonTokenType.String && property == "value" && message is null)
                {
                    message = reader.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (an XML or empty body): the raw text stands as the message.
        }

        message ??= Encoding.UTF8.GetString(content[..Math.Min(content.Length, MaxErrorTextLength)]);
        return (Bounded(code), Bounded(message) ?? "");
    }

    private static string? Bounded(string? text) => text is { Length: > MaxErrorTextLength } ? text[..MaxErrorTextLength] : text;

    /// <summary>The status of the HTTP response in <paramref name="message"/>, where its headers are and where its body is.</summary>
    private static (int Status, Range Headers, Range Content) HttpMessage(ReadOnlySpan<byte> body, Range message)
    {
        var (offset, length) = message.GetOffsetAndLength(body.Length);
        var text = body.Slice(offset, length);
        var lineEnd = text.IndexOf((byte)'\n');
        var statusLine = lineEnd < 0 ? text : text[..lineEnd];
        if (!statusLine.StartsWith("HTTP/"u8))
        {
            throw new InvalidDataException("A part of the $batch answer holds no HTTP response.");
        }

        var space = statusLine.IndexOf((byte)' ');
        if (space < 0 || !Utf8Parser.TryParse(statusLine[(space + 1)..], out int status, out var consumed) || consumed != 3)
        {
            throw new InvalidDataException("A part of the $batch answer has no status code.");
        }

        var (headers, content) = SplitHeaders(body, lineEnd < 0 ? (offset + length)..(offset + length) : (offset + lineEnd + 1)..(offset + length));
        return (status, headers, content);
    }

    /// <summary>
    /// The parts of the multipart text at <paramref name="within"/> between the delimiters of <paramref name="boundary"/>,
    /// each without the line break before the next delimiter.
    /// </summary>
    private static List<Range> Parts(ReadOnlySpan<byte> body, Range within, byte[] boundary, string what)
    {
        var (offset, length) = within.GetOffsetAndLength(body.Length);
        var text = body.Slice(offset, length);
        Span<byte> delimiter = stackalloc byte[boundary.Length + 2];
        "--"u8.CopyTo(delimiter);
        boundary.CopyTo(delimiter[2..]);
        var parts = new List<Range>();
        var at = IndexOfDelimiter(text, delimiter, 0);
        if (at < 0)
        {
            throw new InvalidDataException($"The $batch answer has no {what} delimiter.");
        }

        while (true)
        {
            var afterDelimiter = at + delimiter.Length;
            if (text[afterDelimiter..].StartsWith("--"u8))
            {
                return parts;
            }

            var lineEnd = text[afterDelimiter..].IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                throw new InvalidDataException($"The $batch answer ends inside a {what} delimiter.");
            }

            var start = afterDelimiter + lineEnd + 1;
            var next = IndexOfDelimiter(text, delimiter, start);
            if (next < 0)
            {
                throw new InvalidDataException($"The $batch answer ends without closing its {what} parts.");
            }

            var end = next;
            if (end > start && text[end - 1] == '\n')
            {
                end--;
                if (end > start && text[end - 1] == '\r')
                {
                    end--;
                }
            }

            parts.Add((offset + start)..(offset + end));
            at = next;
        }
    }

    // A delimiter counts only at the start of a line.
    private static int IndexOfDelimiter(ReadOnlySpan<byte> text, ReadOnlySpan<byte> delimiter, int from)
    {
        while (from <= text.Length)
        {
            var found = text[from..].IndexOf(delimiter);
            if (found < 0)
            {
                return -1;
            }

            var at = from + found;
            if (at == 0 || text[at - 1] == '\n')
            {
                return at;
            }

            from = at + 1;
        }

        return -1;
    }

    /// <summary>Where the headers of the part at <paramref name="part"/> are (up to the first empty line), and where what follows them is.</summary>
    private static (Range Headers, Range Content) SplitHeaders(ReadOnlySpan<byte> body, Range part)
    {
        var (offset, length) = part.GetOffsetAndLength(body.Length);
        var text = body.Slice(offset, length);
        var at = 0;
        while (at < text.Length)
        {
            var lineEnd = text[at..].IndexOf((byte)'\n');
            var line = lineEnd < 0 ? text[at..] : text[at..(at + lineEnd)];
            if (line.TrimEnd((byte)'\r').IsEmpty)
            {
                var contentStart = lineEnd < 0 ? length : at + lineEnd + 1;
                return (offset..(offset + at), (offset + contentStart)..(offset + length));
            }

            if (lineEnd < 0)
            {
                break;
            }

            at += lineEnd + 1;
        }

        return (offset..(offset + length), (offset + length)..(offset + length));
    }

    private static ReadOnlySpan<byte> HeaderValue(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> name)
    {
        while (!headers.IsEmpty)
        {
            var lineEnd = headers.IndexOf((byte)'\n');
            var line = lineEnd < 0 ? headers : headers[..lineEnd];
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon].Trim((byte)' '), name))
            {
                return line[(colon + 1)..].Trim(" \t\r"u8);
            }

            headers = lineEnd < 0 ? default : headers[(lineEnd + 1)..];
        }

        return default;
    }

    /// <summary>The boundary parameter of a multipart Content-Type; null when there is none.</summary>
    private static byte[]? Boundary(ReadOnlySpan<byte> contentType)
    {
        var trimmed = contentType.TrimStart((byte)' ');
        if (trimmed.Length < "multipart/"u8.Length || !Ascii.EqualsIgnoreCase(trimmed[.."multipart/"u8.Length], "multipart/"u8))
        {
            return null;
        }

        var at = IndexOfIgnoreCase(contentType, "boundary="u8);
        if (at < 0)
        {
            return null;
        }

        var value = contentType[(at + "boundary="u8.Length)..];
        var semicolon = value.IndexOf((byte)';');
        value = (semicolon < 0 ? value : value[..semicolon]).Trim(" \t\""u8);
        return value.IsEmpty || value.Length > 200 ? null : value.ToArray();
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> value)
    {
        for (var i = 0; i + value.Length <= text.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(text.Slice(i, value.Length), value))
            {
                return i;
            }
        }

        return -1;
    }
}
