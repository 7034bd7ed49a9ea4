using System.Globalization;
using System.Text;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Integration;

/// <summary>
/// Tasks spread over the nodes of a test cluster (each posted to one node, whose silo then hosts it), and what the
/// target saw of them: calls per task, attempts, lateness.
/// </summary>
internal sealed class ClusterWorkload(IReadOnlyList<ClusterNode> nodes, RecordingTarget target, string token)
{
    private readonly List<PlannedTask> _tasks = [];

    public IReadOnlyList<PlannedTask> Tasks => _tasks;

    /// <summary>Schedules one task per due time, posting them to the nodes in turn; returns when all are accepted.</summary>
    public async Task ScheduleAsync(string group, IEnumerable<DateTimeOffset> dueTimes)
    {
        var planned = dueTimes.Select((due, i) => new PlannedTask(group, target.UrlFor(), (_tasks.Count + i) % nodes.Count, due)).ToList();
        var clients = nodes.Select(n => n.Server.CreateClient(token)).ToList();
        try
        {
            await Parallel.ForEachAsync(planned, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (task, _) =>
            {
                var created = await TaskApi.CreateAsync(clients[task.Node], new { taskURL = task.Url, runAt = task.DueAt });
                task.Id = (string)created["id"]!;
            });
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        _tasks.AddRange(planned);
    }

    /// <summary>Waits until every task reached the target at least once.</summary>
    public async Task WaitUntilAllCalledAsync(TimeSpan timeout)
    {
        // One pass over the calls per poll: the target runs in this process, and a costly poll would delay the calls it records.
        var missing = _tasks.ToList();
        try
        {
            await Poll.UntilAsync(() =>
            {
                var called = target.Calls.Select(c => c.Path).ToHashSet();
                missing = [.. missing.Where(t => !called.Contains(new Uri(t.Url).AbsolutePath))];
                return missing.Count == 0;
            }, timeout, $"every one of {_tasks.Count} tasks to be called");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Not called: {string.Join(", ", missing.Take(5).Select(t => $"{t.Group} task {t.Id} of node {t.Node} due {t.DueAt:HH:mm:ss.fff}"))}", e);
        }
    }

    /// <summary>
    /// Reads every task through <paramref name="node"/> once it is Completed, and checks that the target saw each of its
    /// attempts (by <c>TaskOrchestrator-Attempt</c>) exactly once, no other attempt, and no call before the due time.
    /// Returns each task's first arrival.
    /// </summary>
    /// <param name="node">The node to read the tasks through.</param>
    /// <param name="sameAttemptRepeatsUntil">
    /// When given, an attempt whose first call arrived by then may arrive a second time under the same number: the
    /// delivery guarantee's "same attempt twice" (the activation making the call went away before anything recorded
    /// it, and the task's next activation made that attempt again).
    /// </param>
    public async Task<IReadOnlyList<FiredTask>> VerifyExactlyOncePerAttemptAsync(ClusterNode node, DateTimeOffset? sameAttemptRepeatsUntil = null)
    {
        using var client = node.Server.CreateClient(token);
        var fired = new List<FiredTask>();
        foreach (var task in _tasks)
        {
            var resource = await Poll.UntilAsync(
                () => TaskApi.GetAsync(client, task.Id), t => (string)t["status"]! == "Completed", TimeSpan.FromSeconds(20), $"task {task.Id} to be Completed");
            var attempts = TaskApi.AttemptCount(resource);
            var calls = target.CallsTo(task.Url).OrderBy(c => c.ArrivedAt).ToList();
            var byAttempt = calls.GroupBy(c => int.TryParse(c.Headers.GetValueOrDefault(DeliveryHeaders.Attempt), CultureInfo.InvariantCulture, out var n) ? n : 0).ToList();
            var seen = string.Join(", ", calls.Select(c => $"attempt {c.Headers.GetValueOrDefault(DeliveryHeaders.Attempt)} at due{(c.ArrivedAt - task.DueAt).TotalSeconds:+0.000;-0.000} s"));
            var what = $"Task {task.Id} ({task.Group}, node {task.Node}, due {task.DueAt:HH:mm:ss.fff}) recorded {attempts} attempt(s); the target saw: {seen}";
            Assert.True(
                byAttempt.Select(g => g.Key).Order().SequenceEqual(Enumerable.Range(1, attempts)),
                $"{what}. Each recorded attempt must be called, and no other.");
            Assert.All(byAttempt, g => Assert.True(
                g.Count() == 1 || (g.Count() == 2 && sameAttemptRepeatsUntil is { } until && g.First().ArrivedAt <= until),
                $"{what}. Attempt {g.Key} was called {g.Count()} times{(sameAttemptRepeatsUntil is { } u ? $"; a repeat is expected only of an attempt first called by {u:HH:mm:ss.fff}" : "")}."));
            Assert.True(calls[0].ArrivedAt >= task.DueAt, $"Task {task.Id} ({task.Group}, node {task.Node}) fired early: {calls[0].ArrivedAt:O} < {task.DueAt:O}");
            fired.Add(new FiredTask(task, calls[0].ArrivedAt, attempts, TaskApi.Instant(resource["startedAt"]) - task.DueAt));
        }

        return fired;
    }

    /// <summary>A one-line summary of lateness (first arrival - due time) of <paramref name="tasks"/>.</summary>
    public static string Describe(string name, IReadOnlyCollection<FiredTask> tasks)
    {
        if (tasks.Count == 0)
        {
            return $"{name}: none";
        }

        var lateness = tasks.Select(t => t.Lateness.TotalMilliseconds).Order().ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{name}: {tasks.Count} tasks, lateness p50 {lateness[lateness.Count / 2]:0.0} ms, ");
        text.Append(CultureInfo.InvariantCulture, $"p99 {lateness[(int)Math.Min(lateness.Count - 1, Math.Ceiling(lateness.Count * 0.99) - 1)]:0.0} ms, max {lateness[^1]:0.0} ms");
        return text.ToString();
    }
}

/// <summary>A task of a <see cref="ClusterWorkload"/>: its group, URL, the node it was posted to, its due time and id.</summary>
internal sealed record PlannedTask(string Group, string Url, int Node, DateTimeOffset DueAt)
{
    public string Id { get; set; } = "";
}

/// <summary>A task that fired: its first arrival at the target, its attempts, and how late the server says it started.</summary>
internal sealed record FiredTask(PlannedTask Task, DateTimeOffset FirstArrival, int Attempts, TimeSpan ServerLateness)
{
    public TimeSpan Lateness => FirstArrival - Task.DueAt;
}
