using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskOrchestrator.Client.Http;

/// <summary>A <see cref="TimeSpan"/> as the API writes durations: whole milliseconds (<c>delayInMS</c>, <c>retryDelayInMS</c>, …).</summary>
internal sealed class MillisecondsConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeSpan.FromMilliseconds(reader.GetDouble());

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue((long)Math.Round(value.TotalMilliseconds, MidpointRounding.AwayFromZero));
}
