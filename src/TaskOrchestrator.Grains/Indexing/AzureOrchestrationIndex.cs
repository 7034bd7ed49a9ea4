using System.Text.Json;
using Azure.Data.Tables;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Indexing;

/// <summary>
/// The orchestration listing in an Azure Storage table: one row per orchestration, keyed like task rows (from the
/// version-7 id's time, inverted) so that a query comes back newest first and a row key doubles as the paging cursor.
/// </summary>
public sealed class AzureOrchestrationIndex : IOrchestrationIndex
{
    /// <summary>The table used unless configured otherwise.</summary>
    public const string DefaultTableName = "OrchestrationIndex";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private readonly TableClient _table;
    private readonly Lazy<Task> _created;

    /// <summary>Creates the index over <paramref name="tableName"/> (created on first use).</summary>
    public AzureOrchestrationIndex(TableServiceClient tables, string tableName = DefaultTableName)
    {
        _table = tables.GetTableClient(tableName);
        _created = new Lazy<Task>(() => tables.CreateTableIfNotExistsAsync(tableName));
    }

    /// <inheritdoc />
    public async Task UpsertAsync(OrchestrationSummary summary, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var rowKey = TaskKeys.RowKey(summary.Id);
        var entity = new TableEntity(TaskKeys.PartitionKey(rowKey), rowKey)
        {
            ["Owner"] = summary.Owner,
            ["Status"] = summary.Status.ToString(),
            ["Summary"] = JsonSerializer.Serialize(summary, Json),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<OrchestrationPage> ListAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var items = new List<OrchestrationSummary>(query.Limit);
        var rows = _table.QueryAsync<TableEntity>(ListingFilter.For(query.After, query.Owner, query.Status?.ToString()), maxPerPage: Math.Min(query.Limit + 1, 1000), select: ["Summary"], cancellationToken: cancellationToken);
        await foreach (var row in rows)
        {
            if (items.Count == query.Limit)
            {
                return new OrchestrationPage(items, TaskKeys.RowKey(items[^1].Id));
            }

            items.Add(JsonSerializer.Deserialize<OrchestrationSummary>(row.GetString("Summary"), Json)!);
        }

        return new OrchestrationPage(items, null);
    }
}
