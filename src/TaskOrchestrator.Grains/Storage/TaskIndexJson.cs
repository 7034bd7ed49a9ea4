using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskOrchestrator.Storage;

/// <summary>How task snapshots are serialized into index rows.</summary>
internal static class TaskIndexJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
