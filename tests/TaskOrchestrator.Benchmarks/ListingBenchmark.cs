using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Benchmarks;

/// <summary>
/// The <c>listing</c> scenario: what a page of each listing costs as the store grows. It fills the server's own tables
/// (Azurite) directly, through the same store classes the server writes with, with finished tasks and orchestrations
/// spread over <c>--owners</c> owners, first a tenth of <c>--tasks</c> then all of them, beside an owner with few of
/// each; at both sizes it times, through the API, the first and the next page of each listing, and counts the table
/// requests the server made per page (a scan that Azurite hides in time would show there).
/// </summary>
internal sealed class ListingBenchmark(BenchmarkOptions options, ServiceUnderTest service, TextWriter output)
{
    private const string SmallOwner = "listing-small-owner";
    private const int PageSize = 10;
    private const int Samples = 200;
    private const int SmallOwnerItems = 25;
    // Reads of the listing tables: the task and orchestration state and index tables and every owner's table (named after them).
    private static readonly string[] ListingTablePrefixes = ["GET Tasks", "GET OrchestrationIndex"];

    private readonly Serializer _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    public async Task<object> RunAsync()
    {
        var connection = service.AzuriteConnectionString
            ?? throw new InvalidOperationException("listing fills the Azurite the benchmark starts: it takes neither --storage memory nor --url.");
        // The fill writes far more at once than a server would: give each request room (Azurite slows as its tables grow).
        var tables = StorageClients.CreateTableServiceClient(connection, new StorageOptions { RequestTimeout = TimeSpan.FromMinutes(2), MaxRetries = 5 });
        await using var tasks = new AzureTaskStorage(tables, AzureTaskStorage.DefaultTableName, _serializer, new TaskIdMinter(TimeProvider.System));
        await using var orchestrations = new AzureOrchestrationIndex(tables);
        using var owner = Client(TestTokens.Create(SmallOwner, expires: DateTime.UtcNow.AddDays(1)));
        using var admin = Client(TestTokens.Create("listing-admin", ["admin"], DateTime.UtcNow.AddDays(1)));

        var listings = new (string Name, HttpClient Client, string Path)[]
        {
            ("owner's tasks", owner, "/tasks"),
            ("owner's tasks, Completed", owner, "/tasks?status=Completed"),
            ("owner's orchestrations", owner, "/orchestrations"),
            ("owner's orchestrations, Completed", owner, "/orchestrations?status=Completed"),
            ("all tasks (admin)", admin, "/tasks"),
            ("all tasks, Failed (admin)", admin, "/tasks?status=Failed"),
            ("all orchestrations (admin)", admin, "/orchestrations"),
            ("all orchestrations, Failed (admin)", admin, "/orchestrations?status=Failed"),
        };

        var now = DateTimeOffset.UtcNow;
        var small = Math.Max(1, options.Tasks / 20);
        output.WriteLine($"listing: {small} then {options.Tasks} finished tasks and a tenth as many orchestrations over {options.Owners} owners, beside an owner with {SmallOwnerItems} of each; pages of {PageSize}, {Samples} samples per page");
        await FillAsync(tasks, orchestrations, SmallOwnerItems, [SmallOwner], now.AddMinutes(-5), TimeSpan.FromMinutes(5), orchestrationEvery: 1);
        var owners = Enumerable.Range(0, options.Owners).Select(i => $"listing-owner-{i:D4}").ToArray();

        // The bulk is older than the small owner's items: a listing of everything then finds them at its start, and the
        // small owner's share only in its own partition. Spread over the last week (168 hourly partitions).
        await FillAsync(tasks, orchestrations, small, owners, now.AddDays(-7), TimeSpan.FromDays(7) - TimeSpan.FromMinutes(10));
        var atSmall = await MeasureAllAsync(listings);
        var controlSmall = await ControlAsync(tables);
        await FillAsync(tasks, orchestrations, options.Tasks - small, owners, now.AddDays(-7), TimeSpan.FromDays(7) - TimeSpan.FromMinutes(10));
        var atLarge = await MeasureAllAsync(listings);
        var controlLarge = await ControlAsync(tables);

        output.WriteLine();
        output.WriteLine($"  {"listing",-36} {"first p99 small",16} {"first p99 large",16} {"ratio",6} {"next p99 large",15} {"calls/page",11}");
        var results = new List<object>();
        for (var i = 0; i < listings.Length; i++)
        {
            var (s, l) = (atSmall[i], atLarge[i]);
            var ratio = l.First.P99 / s.First.P99;
            var pass = ratio <= 1.5 && l.CallsPerPage <= 2 && s.First.P99 <= 50 && l.First.P99 <= 50;
            output.WriteLine($"  {listings[i].Name,-36} {s.First.P99,13:0.00} ms {l.First.P99,13:0.00} ms {ratio,6:0.00} {l.Next.P99,12:0.00} ms {l.CallsPerPage,11:0.00}  {(pass ? "pass" : "MISS")}");
            results.Add(new
            {
                listing = listings[i].Name,
                path = listings[i].Path,
                p99Small = s.First.P99,
                p99Large = l.First.P99,
                ratio,
                storageCallsPerPage = l.CallsPerPage,
                nextPageP99Small = s.Next.P99,
                nextPageP99Large = l.Next.P99,
                firstPageSmall = s.First,
                firstPageLarge = l.First,
                nextPageSmall = s.Next,
                nextPageLarge = l.Next,
                storageCallsPerPageSmall = s.CallsPerPage,
                pass,
            });
        }

        // What the emulator costs by itself: a query straight to Azurite for a key range that holds no row. Azurite filters a
        // whole table in memory for every query (its LokiJS store), so this grows with the table whatever the key range;
        // Azure Table storage reads the key range only. A listing of a shared table cannot be faster than this on Azurite.
        output.WriteLine();
        output.WriteLine("  Azurite alone, a query of an empty key range (p50 / p99 of 50), small -> large:");
        var controls = controlSmall.Keys.Select(table => new { table, small = controlSmall[table], large = controlLarge[table] }).ToList();
        foreach (var c in controls)
        {
            output.WriteLine($"  {c.table,-36} {c.small.P50,8:0.00} / {c.small.P99,6:0.00} ms -> {c.large.P50,8:0.00} / {c.large.P99,6:0.00} ms");
        }

        return new
        {
            scenario = "listing", tasksSmall = small, tasksLarge = options.Tasks, options.Owners, smallOwnerItems = SmallOwnerItems, pageSize = PageSize, samples = Samples,
            listings = results, azuriteEmptyRangeQuery = controls,
        };
    }

    /// <summary>Times a query of an empty key range straight to Azurite, on each shared listing table and on the small owner's table.</summary>
    private static async Task<Dictionary<string, Percentiles>> ControlAsync(Azure.Data.Tables.TableServiceClient tables)
    {
        var result = new Dictionary<string, Percentiles>(StringComparer.Ordinal);
        foreach (var table in new[]
        {
            AzureTaskStorage.DefaultTableName, AzureTaskStorage.IndexTableName(AzureTaskStorage.DefaultTableName), AzureOrchestrationIndex.DefaultTableName,
            Listing.ListingKeys.OwnerTable(AzureTaskStorage.IndexTableName(AzureTaskStorage.DefaultTableName), SmallOwner),
        })
        {
            var client = tables.GetTableClient(table);
            var times = new List<double>();
            for (var i = 0; i < 50; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await foreach (var _ in client.QueryAsync<Azure.Data.Tables.TableEntity>("PartitionKey eq 'no-such-partition'", maxPerPage: 11))
                {
                }

                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            result[table == Listing.ListingKeys.OwnerTable(AzureTaskStorage.IndexTableName(AzureTaskStorage.DefaultTableName), SmallOwner) ? "small owner's table" : table] = Percentiles.Of(times);
        }

        return result;
    }

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = service.Api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Writes <paramref name="count"/> finished tasks and an orchestration for every <paramref name="orchestrationEvery"/>
    /// of them, created evenly over the span, owners in turn.
    /// </summary>
    private async Task FillAsync(AzureTaskStorage tasks, AzureOrchestrationIndex orchestrations, int count, string[] owners, DateTimeOffset from, TimeSpan span, int orchestrationEvery = 10)
    {
        var clock = Stopwatch.StartNew();
        var pending = new List<Task>(512);
        for (var i = 0; i < count; i++)
        {
            var createdAt = from + span * ((i + 0.5) / count);
            var owner = owners[i % owners.Length];
            pending.Add(WriteTaskAsync(tasks, createdAt, owner, i));
            if (i % orchestrationEvery == 0)
            {
                pending.Add(orchestrations.UpsertAsync(Orchestration(createdAt, owner, i / orchestrationEvery), default));
            }

            if (pending.Count >= 512)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }

            if ((i + 1) % 50_000 == 0)
            {
                output.WriteLine($"  ... {i + 1} written ({clock.Elapsed.TotalSeconds:0} s)");
            }
        }

        await Task.WhenAll(pending);
        var written = count + (count + orchestrationEvery - 1) / orchestrationEvery;
        output.WriteLine($"  wrote {count} tasks and {written - count} orchestrations in {clock.Elapsed.TotalSeconds:0.0} s ({written / clock.Elapsed.TotalSeconds:0}/s)");
    }

    private Task WriteTaskAsync(AzureTaskStorage store, DateTimeOffset createdAt, string owner, int i)
    {
        var status = Status(i);
        var dueAt = createdAt.AddSeconds(1);
        var state = new TaskGrainState
        {
            Definition = new TaskDefinition(owner, $"https://example.com/hook/{i}", "POST", null, null, createdAt, dueAt),
            Status = (ScheduledTaskStatus)status,
            DueAt = dueAt,
            AttemptsStarted = 1,
            FinishedAttempts = 1,
            StartedAt = dueAt,
            FinishedAt = dueAt.AddMilliseconds(20),
            Response = new TaskResponse(status == (int)ScheduledTaskStatus.Failed ? 500 : 200, "ok", null),
        };
        var id = Guid.CreateVersion7(createdAt);
        return store.WriteStateAsync("task", GrainId.Create(GrainType.Create("task"), GrainIdKeyExtensions.CreateGuidKey(id)), new GrainState<TaskGrainState>(state));
    }

    private static OrchestrationSummary Orchestration(DateTimeOffset createdAt, string owner, int i) =>
        new(Guid.CreateVersion7(createdAt), owner, createdAt, createdAt.AddSeconds(1), (OrchestrationStatus)Status(i), Status(i) == 3 ? OrchestrationFailureReason.TaskFailed : null, 3, createdAt.AddSeconds(5));

    // Finished: four in five Completed, then Failed, then now and then Cancelled (values 2, 3, 4 in both status enums).
    private static int Status(int i) => (i % 20) switch { < 16 => 2, < 19 => 3, _ => 4 };

    private async Task<List<Measured>> MeasureAllAsync((string Name, HttpClient Client, string Path)[] listings)
    {
        var results = new List<Measured>();
        foreach (var (name, client, path) in listings)
        {
            results.Add(await MeasureAsync(client, path));
        }

        return results;
    }

    /// <summary>Times the first page and the page after it, one request at a time, and counts the listing tables' reads per page.</summary>
    private async Task<Measured> MeasureAsync(HttpClient client, string path)
    {
        var first = $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}limit={PageSize}";
        var (_, next) = await GetPageAsync(client, first);
        if (next is null)
        {
            throw new InvalidOperationException($"{first} has no next page: the fill left it too few items.");
        }

        for (var i = 0; i < 3; i++)
        {
            await GetPageAsync(client, first);
            await GetPageAsync(client, next);
        }

        var callsBefore = await ListingReadsAsync();
        var firstTimes = new List<double>(Samples);
        var nextTimes = new List<double>(Samples);
        for (var i = 0; i < Samples; i++)
        {
            firstTimes.Add((await GetPageAsync(client, first)).Ms);
            nextTimes.Add((await GetPageAsync(client, next)).Ms);
        }

        var callsPerPage = (await ListingReadsAsync() - callsBefore) / (2.0 * Samples);
        return new Measured(Percentiles.Of(firstTimes), Percentiles.Of(nextTimes), callsPerPage);
    }

    private static async Task<(double Ms, string? Next)> GetPageAsync(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode || JsonNode.Parse(body) is not JsonArray { Count: PageSize })
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} without a full page: {body[..Math.Min(body.Length, 300)]}");
        }

        var next = response.Headers.TryGetValues("Link", out var links) ? links.First().Split(';')[0].Trim('<', '>', ' ') : null;
        return (ms, next);
    }

    private async Task<long> ListingReadsAsync()
    {
        var byKind = (await service.StatsAsync())["storageCallsByKind"]!.AsObject();
        return byKind.Where(kind => ListingTablePrefixes.Any(p => kind.Key.StartsWith(p, StringComparison.Ordinal))).Sum(kind => (long)kind.Value!);
    }

    private sealed record Measured(Percentiles First, Percentiles Next, double CallsPerPage);
}
