using System.Globalization;
using Azure.Data.Tables;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>Several real server processes forming one cluster on the fixture's Azurite, and what Orleans' membership table says of them.</summary>
internal static class ClusterNodes
{
    /// <summary>
    /// Fast failure detection for tests: a killed silo is declared dead within a few seconds instead of 10-15.
    /// Too aggressive for production, where a long GC pause would then get a healthy silo declared dead.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FastFailureDetection { get; } = new Dictionary<string, string>
    {
        ["TaskOrchestrator:Cluster:FailureDetection:ProbeTimeout"] = "00:00:01",
        ["TaskOrchestrator:Cluster:FailureDetection:NumMissedProbesLimit"] = "2",
        ["TaskOrchestrator:Cluster:FailureDetection:TableRefreshTimeout"] = "00:00:02",
        ["TaskOrchestrator:Cluster:FailureDetection:IAmAliveTablePublishTimeout"] = "00:00:02",
        ["TaskOrchestrator:Cluster:FailureDetection:DeathVoteExpirationTimeout"] = "00:00:10",
    };

    /// <summary>Starts <paramref name="count"/> nodes of cluster <paramref name="cluster"/> at once and waits until all are Active members.</summary>
    public static async Task<IReadOnlyList<ClusterNode>> StartAsync(AzuriteFixture fixture, string cluster, int count)
    {
        var settings = Enumerable.Range(0, count).Select(_ =>
        {
            var node = fixture.SettingsFor(cluster);
            foreach (var (key, value) in FastFailureDetection)
            {
                node[key] = value;
            }

            return node;
        }).ToList();
        var servers = await Task.WhenAll(settings.Select(fixture.StartServerAsync));
        var nodes = servers.Zip(settings, (server, s) => new ClusterNode(server, int.Parse(s["TaskOrchestrator:Cluster:SiloPort"], CultureInfo.InvariantCulture))).ToList();
        await Poll.UntilAsync(
            async () => (await StatusesAsync(fixture.Azurite.ConnectionString, cluster)).Count(s => s.Value == "Active") == count,
            TimeSpan.FromSeconds(60), $"{count} Active silos in cluster {cluster}");
        return nodes;
    }

    /// <summary>The membership table's status of each silo of <paramref name="cluster"/> (its latest generation), by silo port.</summary>
    public static async Task<IReadOnlyDictionary<int, string>> StatusesAsync(string connectionString, string cluster)
    {
        var table = new TableClient(connectionString, "OrleansSiloInstances");
        var latest = new Dictionary<int, (long Generation, string Status)>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == cluster))
            {
                if (!int.TryParse(row.GetString("Port"), CultureInfo.InvariantCulture, out var port)
                    || !long.TryParse(row.GetString("Generation"), CultureInfo.InvariantCulture, out var generation))
                {
                    continue; // the table's version row
                }

                if (!latest.TryGetValue(port, out var seen) || seen.Generation < generation)
                {
                    latest[port] = (generation, row.GetString("Status") ?? "");
                }
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No silo has created the table yet.
        }

        return latest.ToDictionary(p => p.Key, p => p.Value.Status);
    }
}

/// <summary>One node of a test cluster: the server process and its silo port (its row in the membership table).</summary>
internal sealed record ClusterNode(ServerProcess Server, int SiloPort);
