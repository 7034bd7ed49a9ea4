using System.Globalization;
using System.Text.RegularExpressions;

namespace TaskOrchestrator.Server.Tests.Telemetry;

/// <summary>One scrape of <c>/metrics</c>: every sample of the Prometheus text format, by name and labels.</summary>
internal sealed partial class PrometheusScrape
{
    private readonly Dictionary<string, double> _samples;

    private PrometheusScrape(string text, Dictionary<string, double> samples)
    {
        Text = text;
        _samples = samples;
    }

    /// <summary>The raw exposition text.</summary>
    public string Text { get; }

    /// <summary>Scrapes <c>/metrics</c> anonymously, as Prometheus does.</summary>
    public static async Task<PrometheusScrape> ScrapeAsync(Uri baseAddress)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics answered {(int)response.StatusCode}: {text}");
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (match.Success)
            {
                // The exporter labels every sample with its meter (otel_scope_name); it says nothing about the value.
                var labels = string.Join(',', match.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal));
                samples[Key(match.Groups["name"].Value, labels)] = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return new PrometheusScrape(text, samples);
    }

    /// <summary>A sample's value; 0 when absent (a counter never incremented is not exported yet).</summary>
    /// <param name="name">The Prometheus name, e.g. <c>taskorchestrator_tasks_fired_total</c>.</param>
    /// <param name="labels">Its labels other than <c>otel_scope_*</c>, e.g. <c>outcome="success"</c>, in any order.</param>
    public double Value(string name, params string[] labels) =>
        _samples.GetValueOrDefault(Key(name, string.Join(',', labels.Order(StringComparer.Ordinal))));

    /// <summary>The sum of every sample of <paramref name="name"/>, whatever its labels; 0 when there is none.</summary>
    public double Sum(string name) =>
        _samples.Where(s => s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal)).Sum(s => s.Value);

    private static string Key(string name, string labels) => labels.Length == 0 ? name : $"{name}{{{labels}}}";

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)""")]
    private static partial Regex SampleLine();
}
