using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using TaskOrchestrator.Indexing;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>Task grain states, ids and grain ids for the task store tests, built the way the silo builds them.</summary>
internal static class StoredTasks
{
    /// <summary>A fixed instant, so keys do not depend on the clock.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<Serializer> SharedSerializer = new(() =>
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());

    /// <summary>The Orleans serializer the stores keep task state with.</summary>
    public static Serializer Serializer => SharedSerializer.Value;

    /// <summary>The id of a task created at <paramref name="createdAt"/>.</summary>
    public static Guid IdAt(DateTimeOffset createdAt) => Guid.CreateVersion7(createdAt);

    /// <summary>The grain id of the task grain keyed by <paramref name="id"/>, as Orleans builds it for a Guid key.</summary>
    public static GrainId GrainIdOf(Guid id) => GrainId.Create(GrainType.Create("task"), GrainIdKeyExtensions.CreateGuidKey(id));

    /// <summary>The state of a task scheduled at <paramref name="createdAt"/>.</summary>
    public static TaskGrainState State(
        DateTimeOffset createdAt, string owner = "alice", ScheduledTaskStatus status = ScheduledTaskStatus.Scheduled, string? body = null) =>
        new()
        {
            Definition = new TaskDefinition(owner, "http://127.0.0.1/ok", "POST", new Dictionary<string, string> { ["X-Trace"] = "t-1" }, body, createdAt, createdAt.AddMinutes(5)),
            Status = status,
            DueAt = createdAt.AddMinutes(5),
        };

    /// <summary>The state of <paramref name="state"/> as a grain holds it before its first read or write.</summary>
    public static GrainState<TaskGrainState> Unsaved(TaskGrainState state) => new(state);

    /// <summary>An empty holder to read a task into.</summary>
    public static GrainState<TaskGrainState> Empty() => new();

    /// <summary>Follows <see cref="ListingPage{TItem}.Next"/> from <paramref name="first"/> to the end; checks each page's size and cursor.</summary>
    public static async Task<List<TaskSnapshot>> ListAllAsync(ITaskIndex index, ListingQuery<ScheduledTaskStatus> first, Action<int> checkPageSize)
    {
        var seen = new List<TaskSnapshot>();
        var query = first;
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await index.ListAsync(query);
            checkPageSize(page.Items.Count);
            seen.AddRange(page.Items);
            if (page.Next is null)
            {
                return seen;
            }

            Assert.True(TaskKeys.IsValidCursor(page.Next), $"'{page.Next}' is not a valid cursor.");
            query = query with { After = page.Next };
        }

        throw new InvalidOperationException("Paging did not end within 1000 pages.");
    }
}
