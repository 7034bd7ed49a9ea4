using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Benchmarks;

/// <summary>One <c>POST /tasks</c> and what came of it.</summary>
internal sealed record Scheduled(string Url, int StatusCode, double LatencyMs, DateTimeOffset? DueAt);

/// <summary>Drives <c>POST /tasks</c> at a steady rate (open loop, bounded in flight), then reads the target's log.</summary>
internal sealed class LoadDriver(ServiceUnderTest service, int maxInFlight)
{
    /// <summary>Schedules <paramref name="count"/> tasks at <paramref name="rate"/> per second (infinity: as fast as possible).</summary>
    public Task<Scheduled[]> ScheduleAsync(int count, double rate, Func<int, (string Url, object Body)> bodyFor, Action<int>? progress = null) =>
        PaceAsync(count, rate, maxInFlight, index =>
        {
            var (url, body) = bodyFor(index);
            return PostAsync(url, body);
        }, progress);

    /// <summary>
    /// Starts <paramref name="call"/> <paramref name="count"/> times at <paramref name="rate"/> per second (open loop: the
    /// i-th call starts i / rate seconds after the first, whatever the earlier ones took), at most
    /// <paramref name="maxInFlight"/> at once; returns each call's result by index.
    /// </summary>
    public static async Task<T[]> PaceAsync<T>(int count, double rate, int maxInFlight, Func<int, Task<T>> call, Action<int>? progress = null)
    {
        var results = new T[count];
        using var slots = new SemaphoreSlim(maxInFlight);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            if (!double.IsPositiveInfinity(rate))
            {
                var wait = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }
            }

            await slots.WaitAsync();
            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    results[index] = await call(index);
                }
                finally
                {
                    slots.Release();
                }
            }));
            if (progress is not null && i % 1000 == 999)
            {
                progress(i + 1);
            }
        }

        await Task.WhenAll(inFlight);
        return results;
    }

    /// <summary>Waits until every accepted task has reached the target, or nothing new arrived for <paramref name="quiet"/>.</summary>
    /// <remarks>
    /// The target runs in this process, so this loop must stay cheap: it looks only at the calls that arrived since its
    /// last look (the target's log only grows), instead of rebuilding a set of every call so far 20 times a second.
    /// </remarks>
    public async Task WaitForArrivalsAsync(IReadOnlyList<Scheduled> scheduled, TimeSpan quiet)
    {
        var expected = scheduled.Where(s => s.StatusCode == 201).Select(s => new Uri(s.Url).AbsolutePath).ToHashSet();
        var lastDue = scheduled.Where(s => s.DueAt is not null).Select(s => s.DueAt!.Value).DefaultIfEmpty(DateTimeOffset.UtcNow).Max();
        var arrived = new HashSet<string>();
        var looked = 0;
        var lastProgress = Stopwatch.StartNew();
        while (true)
        {
            var before = arrived.Count;
            foreach (var call in service.Target.Calls.Skip(looked))
            {
                looked++;
                if (expected.Contains(call.Path))
                {
                    arrived.Add(call.Path);
                }
            }

            if (arrived.Count >= expected.Count)
            {
                return;
            }

            if (arrived.Count != before)
            {
                lastProgress.Restart();
            }
            else if (DateTimeOffset.UtcNow > lastDue && lastProgress.Elapsed > quiet)
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    private async Task<Scheduled> PostAsync(string url, object body)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await service.Api.PostAsJsonAsync("/tasks", body);
            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return new Scheduled(url, (int)response.StatusCode, latency, null);
            }

            var task = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            return new Scheduled(url, 201, latency, task["dueAt"]!.GetValue<DateTimeOffset>());
        }
        catch (HttpRequestException)
        {
            return new Scheduled(url, 0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
        catch (TaskCanceledException)
        {
            return new Scheduled(url, -1, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
    }
}
