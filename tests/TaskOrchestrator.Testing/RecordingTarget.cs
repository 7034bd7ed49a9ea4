using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskOrchestrator.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 (a free port) that records when each call arrives. Paths shape the answer:
/// <c>/status/{code}/…</c> answers with that code, <c>/slow/{ms}/…</c> answers 200 after that long,
/// <c>/body/{text}/…</c> answers 200 with that body (e.g. <c>false</c>), <c>/fail-first/{n}/…</c> answers 500 to the
/// first n calls of that exact path and 200 <c>ok</c> after, <c>/pass-after/{n}/…</c> answers 200 <c>false</c> to the first n
/// calls (a condition check that does not pass) and 200 <c>true</c> after, <c>/retry-after/{seconds}/{n}/…</c> answers 429
/// with that <c>Retry-After</c> to the first n calls and 200 <c>ok</c> after, and any other path answers 200 with body <c>ok</c>.
/// </summary>
public sealed class RecordingTarget : IAsyncDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();
    private readonly WebApplication _app;
    private readonly bool _arrivalsOnly;
    private readonly ConcurrentQueue<RecordedCall> _calls = new();

    private RecordingTarget(WebApplication app, bool arrivalsOnly) => (_app, _arrivalsOnly) = (app, arrivalsOnly);

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every call so far, in arrival order.</summary>
    public IReadOnlyCollection<RecordedCall> Calls => _calls;

    /// <summary>
    /// Starts a target on a free loopback port. With <paramref name="arrivalsOnly"/> it keeps only when, how and where each
    /// call arrived, and its task id (no other header, no body): for the benchmark, whose target shares its process with the load it measures.
    /// </summary>
    public static async Task<RecordingTarget> StartAsync(bool arrivalsOnly = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var target = new RecordingTarget(app, arrivalsOnly);
        app.Run(target.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        target.BaseAddress = new Uri(address);
        return target;
    }

    /// <summary>A unique URL under this target; <paramref name="prefix"/> can select the answer (see the class summary).</summary>
    public string UrlFor(string prefix = "ok") => new Uri(BaseAddress, $"{prefix.Trim('/')}/{Guid.NewGuid():N}").ToString();

    /// <summary>The calls that arrived for exactly this URL.</summary>
    public IReadOnlyList<RecordedCall> CallsTo(string url)
    {
        var path = new Uri(url).AbsolutePath;
        return [.. _calls.Where(c => c.Path == path)];
    }

    /// <summary>Waits until <paramref name="count"/> calls arrived for the URL, or fails with a clear message.</summary>
    public async Task<IReadOnlyList<RecordedCall>> WaitForCallsAsync(string url, int count = 1, TimeSpan? timeout = null)
    {
        await Poll.UntilAsync(() => CallsTo(url).Count >= count, timeout ?? TimeSpan.FromSeconds(30), $"{count} call(s) to {url}");
        return CallsTo(url);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var arrivedAt = DateTimeOffset.UtcNow;
        if (_arrivalsOnly)
        {
            // The task id alone, which tells the occurrences of one schedule (all on one URL) apart.
            var taskId = context.Request.Headers["TaskOrchestrator-Task-Id"].ToString();
            var headers = taskId.Length == 0 ? NoHeaders : new Dictionary<string, string>(1) { ["TaskOrchestrator-Task-Id"] = taskId };
            _calls.Enqueue(new RecordedCall(arrivedAt, context.Request.Method, context.Request.Path.Value ?? "", headers, ""));
        }
        else
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
            _calls.Enqueue(new RecordedCall(arrivedAt, context.Request.Method, context.Request.Path.Value ?? "", headers, body, context.Request.QueryString.Value ?? "", rawTarget));
        }

        var segments = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (segments is ["status", var code, ..])
        {
            context.Response.StatusCode = int.Parse(code, CultureInfo.InvariantCulture);
            await context.Response.WriteAsync($"status {code}");
            return;
        }

        if (segments is ["body", var text, ..])
        {
            await context.Response.WriteAsync(Uri.UnescapeDataString(text));
            return;
        }

        if (segments is ["fail-first", var failures, ..])
        {
            var path = context.Request.Path.Value;
            if (_calls.Count(c => c.Path == path) <= int.Parse(failures, CultureInfo.InvariantCulture))
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("not yet");
                return;
            }
        }

        if (segments is ["pass-after", var misses, ..])
        {
            var path = context.Request.Path.Value;
            var passed = _calls.Count(c => c.Path == path) > int.Parse(misses, CultureInfo.InvariantCulture);
            await context.Response.WriteAsync(passed ? "true" : "false");
            return;
        }

        if (segments is ["retry-after", var seconds, var refusals, ..])
        {
            var path = context.Request.Path.Value;
            if (_calls.Count(c => c.Path == path) <= int.Parse(refusals, CultureInfo.InvariantCulture))
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = seconds;
                await context.Response.WriteAsync("slow down");
                return;
            }
        }

        if (segments is ["slow", var ms, ..])
        {
            await Task.Delay(int.Parse(ms, CultureInfo.InvariantCulture), context.RequestAborted);
        }

        await context.Response.WriteAsync("ok");
    }
}

/// <summary>
/// One call that reached a <see cref="RecordingTarget"/>; <paramref name="Path"/> is decoded, <paramref name="Query"/> is
/// the query string as sent, with its <c>?</c>, or empty, and <paramref name="RawTarget"/> the request target exactly as
/// on the request line (path and query, undecoded).
/// </summary>
public sealed record RecordedCall(
    DateTimeOffset ArrivedAt, string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, string Query = "", string RawTarget = "");
