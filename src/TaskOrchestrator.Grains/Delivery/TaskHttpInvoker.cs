using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Delivery;

/// <summary>Makes one attempt at a task's HTTP call and reports what happened. Never throws for target failures.</summary>
public sealed class TaskHttpInvoker(IHttpClientFactory httpClientFactory, IOptions<DeliveryOptions> options, TaskOrchestratorMetrics metrics, RequestSigner signer)
{
    private readonly DeliveryOptions _options = options.Value;

    /// <summary>
    /// Makes attempt <paramref name="attempt"/> of task <paramref name="taskId"/>: calls the target once, within the
    /// task's timeout (<see cref="DeliveryOptions.AttemptTimeout"/> when it has none), with the delivery headers, signed
    /// by <see cref="RequestSigner"/>; a call that cannot be signed is not made and fails as <see cref="DeliveryFailure.InvalidRequest"/>.
    /// The response's error, when there is one, is bounded by <see cref="ErrorText.Bound"/>; its body is at most
    /// <see cref="DeliveryOptions.MaxResponseBodyBytes"/> bytes decoded (so at most as many characters).
    /// </summary>
    public async Task<TaskResponse> InvokeAsync(Guid taskId, int attempt, TaskDefinition task, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await CallAsync(taskId, attempt, task, cancellationToken);

        // Every error is stored (twice) with the task, logged and shown to its owner, and some quote the target's own
        // bytes (an invalid status line is echoed whole into the exception's message): each is bounded here, in one place.
        if (response.Error is { } error)
        {
            response = response with { Error = ErrorText.Bound(error) };
        }

        metrics.AttemptFinished(Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.StatusCode);
        return response;
    }

    private async Task<TaskResponse> CallAsync(Guid taskId, int attempt, TaskDefinition task, CancellationToken cancellationToken)
    {
        var limit = task.Delivery?.Timeout ?? _options.AttemptTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            using var request = BuildRequest(taskId, attempt, task);
            if (await signer.SignAsync(request, task.Owner, taskId, attempt, task.Delivery?.Authentication ?? TargetAuthentication.None, timeout.Token) is { } signingError)
            {
                return new TaskResponse(null, null, signingError, DeliveryFailure.InvalidRequest);
            }

            var client = httpClientFactory.CreateClient(DeliveryOptions.HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadPrefixAsync(response.Content, _options.MaxResponseBodyBytes, timeout.Token);
            return new TaskResponse((int)response.StatusCode, body, null, RetryAfter: RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TaskResponse(null, null, $"No response within {limit.TotalMilliseconds:0} ms (the attempt's timeout).", DeliveryFailure.Timeout);
        }
        catch (HttpRequestException e) when (e.InnerException is BlockedTargetException blocked)
        {
            return new TaskResponse(null, null, blocked.Message, DeliveryFailure.Blocked);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // Whatever goes wrong with the target is this attempt's outcome, never the grain's failure.
            return new TaskResponse(null, null, e.Message, DeliveryFailure.Connection);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new TaskResponse(null, null, e.Message, DeliveryFailure.InvalidRequest);
        }
    }

    // Retry-After as seconds or an HTTP date; a date in the past means "now".
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static HttpRequestMessage BuildRequest(Guid taskId, int attempt, TaskDefinition task)
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

        // Ours win over the task's own headers of the same name: the target must be able to trust them.
        DeliveryHeaders.Apply(request, taskId, attempt, task.OrchestrationId);
        return request;
    }

    private static async Task<string?> ReadPrefixAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (maxBytes == 0)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);

        // Pooled: every call reads its answer, and a fresh buffer per call was a few KiB of garbage per task.
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, maxBytes), maxBytes, throwOnEndOfStream: false, cancellationToken);
            return read == 0 ? null : DecodeUtf8Prefix(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
