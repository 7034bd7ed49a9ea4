using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Indexing;

/// <summary>The task index in an Azure Storage table (one row per task, keyed by <see cref="TaskIndexKeys"/>).</summary>
public sealed class AzureTableTaskIndex(TableServiceClient tables, string tableName = AzureTableTaskIndex.DefaultTableName) : ITaskIndex
{
    /// <summary>The table used unless configured otherwise.</summary>
    public const string DefaultTableName = "TaskIndex";

    private readonly TableClient _table = tables.GetTableClient(tableName);
    private readonly Lazy<Task> _created = new(() => tables.CreateTableIfNotExistsAsync(tableName));

    /// <inheritdoc />
    public async Task UpsertAsync(TaskSnapshot task, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var rowKey = TaskIndexKeys.RowKey(task);
        var entity = new TableEntity(TaskIndexKeys.PartitionKey(rowKey), rowKey)
        {
            ["Owner"] = task.Owner,
            ["Status"] = task.Status.ToString(),
            ["Task"] = JsonSerializer.Serialize(task, TaskIndexJson.Options),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var items = new List<TaskSnapshot>(query.Limit);
        var pages = _table.QueryAsync<TableEntity>(Filter(query), maxPerPage: Math.Min(query.Limit + 1, 1000), select: ["Task"], cancellationToken: cancellationToken);
        await foreach (var row in pages)
        {
            if (items.Count == query.Limit)
            {
                return new TaskPage(items, TaskIndexKeys.RowKey(items[^1]));
            }

            items.Add(JsonSerializer.Deserialize<TaskSnapshot>(row.GetString("Task"), TaskIndexJson.Options)!);
        }

        return new TaskPage(items, null);
    }

    private static string Filter(TaskQuery query)
    {
        var clauses = new List<FormattableString>();
        if (query.After is { } after)
        {
            clauses.Add($"PartitionKey ge {TaskIndexKeys.PartitionKey(after)} and RowKey gt {after}");
        }

        if (query.Owner is { } owner)
        {
            clauses.Add($"Owner eq {owner}");
        }

        if (query.Status is { } status)
        {
            clauses.Add($"Status eq {status.ToString()}");
        }

        return clauses.Count == 0 ? string.Empty : string.Join(" and ", clauses.Select(c => $"({TableClient.CreateQueryFilter(c)})"));
    }
}
