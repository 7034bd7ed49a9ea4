using Azure.Data.Tables;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Storage;
using static TaskOrchestrator.Grains.Tests.Storage.StoredTasks;

namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>The label rows of a listing on a real Azurite table: one pair per label, listed by label (and status), none left behind.</summary>
[Collection(AzureStorageCollection.Name)]
public sealed class AzureLabelIndexTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _table = $"L{Guid.NewGuid():N}";
    private readonly TableServiceClient _tables;
    private readonly AzureOrchestrationIndex _index;

    public AzureLabelIndexTests(AzuriteFixture azurite)
    {
        _tables = StorageClients.CreateTableServiceClient(azurite.ConnectionString);
        _index = new AzureOrchestrationIndex(_tables, _table);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _index.DisposeAsync();

    [Fact]
    public async Task UpsertAsync_TwoLabels_WritesAListingRowAndAStatusRowPerLabel()
    {
        var summary = Summary(Epoch, "kim", OrchestrationStatus.Scheduled, new() { ["team"] = "billing", ["env"] = "prod" });
        await _index.UpsertAsync(summary, default);

        var keys = await OwnerRowKeysAsync("kim");
        var (team, env) = (ListingKeys.LabelDigest("team", "billing"), ListingKeys.LabelDigest("env", "prod"));
        Assert.Equal(2, keys.Count(k => k.StartsWith(ListingKeys.LabelPrefix(team), StringComparison.Ordinal) || k.StartsWith(ListingKeys.LabelPrefix(env), StringComparison.Ordinal)));
        Assert.Single(keys, k => k.StartsWith(ListingKeys.LabelStatusPrefix("Scheduled", team), StringComparison.Ordinal));
        Assert.Single(keys, k => k.StartsWith(ListingKeys.LabelStatusPrefix("Scheduled", env), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListAsync_ByLabelsAndStatus_OnlyItemsCarryingEveryLabelNewestFirst()
    {
        var written = new List<OrchestrationSummary>();
        for (var i = 0; i < 12; i++)
        {
            var labels = new Dictionary<string, string> { ["team"] = i % 2 == 0 ? "billing" : "search" };
            if (i % 3 == 0)
            {
                labels["env"] = "prod";
            }

            var summary = Summary(Epoch.AddMinutes(i), i % 4 == 3 ? "lea" : "kim", i % 2 == 0 ? OrchestrationStatus.Failed : OrchestrationStatus.Completed, labels);
            await _index.UpsertAsync(summary, default);
            written.Add(summary);
        }

        var billing = await ListAsync("kim", null, ("team", "billing"));
        var billingFailed = await ListAsync("kim", OrchestrationStatus.Failed, ("team", "billing"));
        var billingProd = await ListAsync("kim", null, ("team", "billing"), ("env", "prod"));
        var leaSearch = await ListAsync("lea", null, ("team", "search"));

        Assert.Equal(Newest(written.Where(s => s.Owner == "kim" && s.Labels!["team"] == "billing")), billing);
        Assert.Equal(Newest(written.Where(s => s.Owner == "kim" && s.Labels!["team"] == "billing" && s.Status == OrchestrationStatus.Failed)), billingFailed);
        Assert.Equal(Newest(written.Where(s => s.Owner == "kim" && s.Labels!["team"] == "billing" && s.Labels.ContainsKey("env"))), billingProd);
        Assert.Equal(Newest(written.Where(s => s.Owner == "lea" && s.Labels!["team"] == "search")), leaSearch);
        Assert.NotEmpty(billingProd);
    }

    [Fact]
    public async Task ListAsync_ByLabelInPages_EachPageALimitAndTheCursorGoesOn()
    {
        var written = new List<OrchestrationSummary>();
        for (var i = 0; i < 5; i++)
        {
            var summary = Summary(Epoch.AddMinutes(i), "max", OrchestrationStatus.Scheduled, new() { ["run"] = "r1" });
            await _index.UpsertAsync(summary, default);
            written.Add(summary);
        }

        var seen = new List<Guid>();
        string? after = null;
        do
        {
            var page = await _index.ListAsync(new ListingQuery<OrchestrationStatus>("max", null, 2, after, Labels: [new("run", "r1")]));
            Assert.InRange(page.Items.Count, 1, 2);
            seen.AddRange(page.Items.Select(s => s.Id));
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(Newest(written), seen);
    }

    [Fact]
    public async Task UpsertAndRemove_LabelsAndStatusChanged_LeaveNoRowOfTheOldOnes()
    {
        var first = Summary(Epoch, "ned", OrchestrationStatus.Scheduled, new() { ["tag"] = "old" });
        await _index.UpsertAsync(first, default);
        var recorded = LabelRows.Digests(first.Labels);

        var changed = first with { Status = OrchestrationStatus.Running, Labels = new Dictionary<string, string> { ["tag"] = "new" } };
        await _index.UpsertAsync(changed, StatusSet.Of((int)OrchestrationStatus.Scheduled), recorded);

        Assert.Empty(await ListAsync("ned", null, ("tag", "old")));
        Assert.Equal([first.Id], await ListAsync("ned", OrchestrationStatus.Running, ("tag", "new")));
        Assert.Empty(await ListAsync("ned", OrchestrationStatus.Scheduled, ("tag", "new")));
        var oldDigest = ListingKeys.LabelDigest("tag", "old");
        Assert.DoesNotContain(await OwnerRowKeysAsync("ned"), k => k.Contains(oldDigest, StringComparison.Ordinal));

        await _index.RemoveAsync(changed, StatusSet.Of((int)OrchestrationStatus.Running), recorded);
        Assert.Empty(await OwnerRowKeysAsync("ned"));
    }

    private async Task<List<Guid>> ListAsync(string owner, OrchestrationStatus? status, params (string Key, string Value)[] labels) =>
        [.. (await _index.ListAsync(new ListingQuery<OrchestrationStatus>(owner, status, 100, null, Labels: [.. labels.Select(l => new KeyValuePair<string, string>(l.Key, l.Value))]))).Items.Select(s => s.Id)];

    private async Task<List<string>> OwnerRowKeysAsync(string owner)
    {
        var keys = new List<string>();
        await foreach (var row in _tables.GetTableClient(ListingKeys.OwnerTable(_table, owner)).QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }

    private static OrchestrationSummary Summary(DateTimeOffset createdAt, string owner, OrchestrationStatus status, Dictionary<string, string> labels) =>
        new(Guid.CreateVersion7(createdAt), owner, createdAt, createdAt.AddMinutes(1), status, null, 2, null, Labels: labels);

    private static List<Guid> Newest(IEnumerable<OrchestrationSummary> summaries) =>
        [.. summaries.OrderByDescending(s => s.CreatedAt).Select(s => s.Id)];
}
