using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;

namespace TaskOrchestrator.Storage.Transactions;

/// <summary>
/// Writes an entity-group transaction as the Table service takes it: a <c>multipart/mixed</c> batch holding one
/// changeset with one <c>application/http</c> sub-request per action, each entity as JSON with the <c>odata.type</c>
/// annotations of the types JSON cannot tell apart. Written as UTF-8 straight into a pooled buffer.
/// </summary>
internal static class TransactionRequest
{
    private const string TypeAnnotation = "@odata.type";

    private static readonly byte[] Post = "POST "u8.ToArray();
    private static readonly byte[] Put = "PUT "u8.ToArray();
    private static readonly byte[] Delete = "DELETE "u8.ToArray();

    /// <summary>
    /// Writes the body of a transaction of <paramref name="actions"/> on the table at <paramref name="tableUrl"/> (its
    /// absolute URL, UTF-8). False when an entity holds a value this writer has no wire form for (the caller then uses
    /// the SDK); what was written is then to be discarded.
    /// </summary>
    public static bool TryWrite(
        PooledBuffer body, ReadOnlySpan<byte> batchBoundary, ReadOnlySpan<byte> changesetBoundary, ReadOnlySpan<byte> tableUrl,
        IReadOnlyList<TableTransactionAction> actions, Utf8JsonWriter json)
    {
        body.Write("--"u8);
        body.Write(batchBoundary);
        body.Write("\r\nContent-Type: multipart/mixed; boundary="u8);
        body.Write(changesetBoundary);
        body.Write("\r\n\r\n"u8);
        foreach (var action in actions)
        {
            body.Write("--"u8);
            body.Write(changesetBoundary);
            body.Write("\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"u8);
            if (!TryWriteAction(body, tableUrl, action, json))
            {
                return false;
            }
        }

        body.Write("--"u8);
        body.Write(changesetBoundary);
        body.Write("--\r\n--"u8);
        body.Write(batchBoundary);
        body.Write("--\r\n"u8);
        return true;
    }

    private static bool TryWriteAction(PooledBuffer body, ReadOnlySpan<byte> tableUrl, TableTransactionAction action, Utf8JsonWriter json)
    {
        var entity = action.Entity;
        var (method, addressed, withBody, ifMatch) = action.ActionType switch
        {
            TableTransactionActionType.Add => (Post, false, true, null),
            TableTransactionActionType.UpdateReplace => (Put, true, true, Match(action)),
            TableTransactionActionType.UpsertReplace => (Put, true, true, null),
            TableTransactionActionType.Delete => (Delete, true, false, Match(action)),
            _ => ((byte[]?)null, false, false, (string?)null),
        };
        if (method is null || (withBody && entity is not IDictionary<string, object>))
        {
            return false;
        }

        body.Write(method);
        body.Write(tableUrl);
        if (addressed)
        {
            body.Write("(PartitionKey='"u8);
            WriteKey(body, entity.PartitionKey);
            body.Write("',RowKey='"u8);
            WriteKey(body, entity.RowKey);
            body.Write("')"u8);
        }

        body.Write(" HTTP/1.1\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0;\r\n"u8);
        if (ifMatch is not null)
        {
            body.Write("If-Match: "u8);
            body.WriteUtf8(ifMatch);
            body.Write("\r\n"u8);
        }

        if (!withBody)
        {
            body.Write("\r\n\r\n"u8);
            return true;
        }

        if (action.ActionType == TableTransactionActionType.Add)
        {
            body.Write("Prefer: return-no-content\r\n"u8);
        }

        body.Write("Content-Type: application/json\r\n\r\n"u8);
        json.Reset(body);
        if (!TryWriteEntity(json, entity.PartitionKey, entity.RowKey, (IDictionary<string, object>)entity))
        {
            return false;
        }

        json.Flush();
        body.Write("\r\n"u8);
        return true;
    }

    // An update or delete without an ETag matches any version of the row.
    private static string Match(TableTransactionAction action) => action.ETag == default ? "*" : action.ETag.ToString();

    /// <summary>A key inside the OData key literal of a URL: quotes doubled, then every byte but the unreserved ones percent-encoded.</summary>
    internal static void WriteKey(PooledBuffer body, string key)
    {
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in key.EnumerateRunes())
        {
            if (rune.Value == '\'')
            {
                body.Write("%27%27"u8);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                    or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                {
                    body.Write([b]);
                }
                else
                {
                    body.Write([(byte)'%', Hex(b >> 4), Hex(b & 0xF)]);
                }
            }
        }
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);

    private static bool TryWriteEntity(Utf8JsonWriter json, string partitionKey, string rowKey, IDictionary<string, object> properties)
    {
        json.WriteStartObject();
        json.WriteString("PartitionKey"u8, partitionKey);
        json.WriteString("RowKey"u8, rowKey);
        foreach (var (name, value) in properties)
        {
            if (value is null || name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")
            {
                continue;
            }

            if (!TryWriteProperty(json, name, value))
            {
                return false;
            }
        }

        json.WriteEndObject();
        return true;
    }

    private static bool TryWriteProperty(Utf8JsonWriter json, string name, object value)
    {
        Span<byte> text = stackalloc byte[40];
        switch (value)
        {
            case string s:
                json.WriteString(name, s);
                return true;
            case int i:
                json.WriteNumber(name, i);
                return true;
            case bool b:
                json.WriteBoolean(name, b);
                return true;
            case long l:
                l.TryFormat(text, out var longLength, default, CultureInfo.InvariantCulture);
                json.WriteString(name, text[..longLength]);
                Annotate(json, name, "Edm.Int64"u8);
                return true;
            case double d:
                if (double.IsFinite(d))
                {
                    json.WriteNumber(name, d);
                }
                else
                {
                    json.WriteString(name, double.IsNaN(d) ? "NaN"u8 : d > 0 ? "Infinity"u8 : "-Infinity"u8);
                }

                Annotate(json, name, "Edm.Double"u8);
                return true;
            case DateTimeOffset instant:
                WriteInstant(json, name, instant.UtcDateTime, text);
                return true;
            case DateTime time:
                WriteInstant(json, name, time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time, text);
                return true;
            case Guid guid:
                json.WriteString(name, guid);
                Annotate(json, name, "Edm.Guid"u8);
                return true;
            case byte[] binary:
                json.WriteBase64String(name, binary);
                Annotate(json, name, "Edm.Binary"u8);
                return true;
            case BinaryData data:
                json.WriteBase64String(name, data.ToMemory().Span);
                Annotate(json, name, "Edm.Binary"u8);
                return true;
            default:
                return false;
        }
    }

    private static void WriteInstant(Utf8JsonWriter json, string name, DateTime utc, Span<byte> text)
    {
        utc.TryFormat(text, out var length, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        json.WriteString(name, text[..length]);
        Annotate(json, name, "Edm.DateTime"u8);
    }

    private static void Annotate(Utf8JsonWriter json, string name, ReadOnlySpan<byte> type)
    {
        var max = Encoding.UTF8.GetMaxByteCount(name.Length) + TypeAnnotation.Length;
        if (max > 512)
        {
            json.WriteString(name + TypeAnnotation, type);
            return;
        }

        Span<byte> annotated = stackalloc byte[max];
        var length = Encoding.UTF8.GetBytes(name, annotated);
        length += Encoding.UTF8.GetBytes(TypeAnnotation, annotated[length..]);
        json.WriteString(annotated[..length], type);
    }
}
