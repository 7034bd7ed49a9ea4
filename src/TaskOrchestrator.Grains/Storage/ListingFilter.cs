using Azure.Data.Tables;

namespace TaskOrchestrator.Storage;

/// <summary>The table filter of a newest-first listing: after a cursor (a row key), for an owner, in a status.</summary>
internal static class ListingFilter
{
    public static string For(string? after, string? owner, string? status)
    {
        var clauses = new List<string>();
        if (after is not null)
        {
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey ge {TaskKeys.PartitionKey(after)} and RowKey gt {after}"));
        }

        if (owner is not null)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Owner eq {owner}"));
        }

        if (status is not null)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Status eq {status}"));
        }

        return string.Join(" and ", clauses.Select(c => $"({c})"));
    }
}
