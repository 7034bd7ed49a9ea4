using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskOrchestrator.Storage;

/// <summary>How task snapshots are serialized into state and listing rows.</summary>
internal static class TaskIndexJson
{
    // Relaxed escaping: the JSON is read back by this service only, and escaping every non-ASCII character as \uXXXX
    // would make a row up to six times larger.
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
