using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Delivery;

/// <summary>Makes one attempt at a task's HTTP call and reports what happened. Never throws for target failures.</summary>
public sealed class TaskHttpInvoker(IHttpClientFactory httpClientFactory, IOptions<DeliveryOptions> options, TaskOrchestratorMetrics metrics)
{
    private readonly DeliveryOptions _options = options.Value;

    /// <summary>Calls the target once, within <see cref="DeliveryOptions.AttemptTimeout"/>.</summary>
    public async Task<TaskResponse> InvokeAsync(TaskDefinition task, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await CallAsync(task, cancellationToken);
        metrics.AttemptFinished(Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.StatusCode);
        return response;
    }

    private async Task<TaskResponse> CallAsync(TaskDefinition task, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AttemptTimeout);
        try
        {
            using var request = BuildRequest(task);
            var client = httpClientFactory.CreateClient(DeliveryOptions.HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadPrefixAsync(response.Content, _options.MaxResponseBodyBytes, timeout.Token);
            return new TaskResponse((int)response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TaskResponse(null, null, $"No response within {_options.AttemptTimeout.TotalSeconds:0.###} s.");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or FormatException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            // Whatever goes wrong with the target or the request is this attempt's outcome, never the grain's failure.
            return new TaskResponse(null, null, e.Message);
        }
    }

    private static HttpRequestMessage BuildRequest(TaskDefinition task)
    {
        var request = new HttpRequestMessage(new HttpMethod(task.Method), task.Url);
        if (task.Body is not null)
        {
            request.Content = new StringContent(task.Body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        foreach (var (name, value) in task.Headers ?? new Dictionary<string, string>())
        {
            if (request.Headers.TryAddWithoutValidation(name, value))
            {
                continue;
            }

            if (request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private static async Task<string?> ReadPrefixAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (maxBytes == 0)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[maxBytes];
        var read = 0;
        while (read < maxBytes)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read, maxBytes - read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == 0 ? null : DecodeUtf8Prefix(buffer.AsSpan(0, read));
    }

    // A prefix can end inside a multi-byte character; drop the partial character rather than emit U+FFFD.
    private static string DecodeUtf8Prefix(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.Length;
        var back = 0;
        while (back < 3 && end - back - 1 >= 0 && (bytes[end - back - 1] & 0xC0) == 0x80)
        {
            back++;
        }

        if (end - back - 1 >= 0)
        {
            var lead = bytes[end - back - 1];
            var expected = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (expected > back + 1)
            {
                end -= back + 1;
            }
        }

        return Encoding.UTF8.GetString(bytes[..end]);
    }
}
