using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Counts every request this process sends to Azure Storage, by table and HTTP method. Azurite is
/// single-threaded, so storage calls per task is the number that bounds throughput: this makes it visible.
/// </summary>
public sealed class StorageCallCounter : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>The process-wide counter; storage clients are created before dependency injection exists.</summary>
    public static StorageCallCounter Instance { get; } = new();

    /// <summary>Counts per "METHOD table" key, e.g. "POST $batch" or "PUT OrleansReminders".</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);

    /// <summary>All requests so far.</summary>
    public long Total => _counts.Values.Sum();

    /// <inheritdoc />
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    /// <inheritdoc />
    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        return ProcessNextAsync(message, pipeline);
    }

    /// <summary>Counts a request sent outside the Azure SDK's pipeline (see <see cref="Transactions.TableTransactionSender"/>).</summary>
    internal void Count(string method, string table) => _counts.AddOrUpdate($"{method} {table}", 1, static (_, n) => n + 1);

    private void Count(HttpMessage message) => Count(message.Request.Method.ToString(), TableOf(message.Request.Uri.Path));

    // Paths look like /devstoreaccount1/Table(PartitionKey='…',RowKey='…') on Azurite and /Table(…) on Azure.
    private static string TableOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var last = segments.Length == 0 ? "" : segments[^1];
        var paren = last.IndexOf('(', StringComparison.Ordinal);
        return paren >= 0 ? last[..paren] : last;
    }
}
