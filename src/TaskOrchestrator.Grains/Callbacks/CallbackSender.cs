using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;

namespace TaskOrchestrator.Callbacks;

/// <summary>
/// Makes one attempt at a completion callback: POSTs the resource as <c>GET</c> shows it to the callback URL through
/// the delivery client (so the network policy refuses what it refuses for task calls, at connect time), with the
/// delivery headers and signature of a task call, within the configured attempt timeout. Never throws for the
/// target's failures: they are the attempt's outcome.
/// </summary>
public sealed class CallbackSender(
    IHttpClientFactory httpClientFactory, IOptions<DeliveryOptions> options, RequestSigner signer, ICallbackBodies bodies, DeliveryDefaults defaults,
    CallbackRetentionMetrics metrics)
{
    /// <summary>The header naming the ending a callback reports: completed, failed or cancelled.</summary>
    public const string OutcomeHeader = "TaskOrchestrator-Callback";

    /// <summary>How failed callback attempts are retried: the configured default retry policy, the one a task gets when it gives none.</summary>
    public RetryPolicy Policy => defaults.Policy.Retry!;

    /// <summary>The metrics a settled callback counts in.</summary>
    public CallbackRetentionMetrics Metrics => metrics;

    /// <summary>Makes attempt <paramref name="attempt"/> of the callback of <paramref name="task"/>, reporting <paramref name="outcome"/>.</summary>
    public Task<TaskResponse> SendAsync(TaskSnapshot task, int attempt, string outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var callback = task.Callback ?? throw new InvalidOperationException("The task has no callback.");
        return SendAsync(
            callback, () => bodies.Task(task), task.Owner, task.Id, task.OrchestrationId, string.Create(CultureInfo.InvariantCulture, $"{task.Id:D}:callback"), attempt,
            outcome, cancellationToken);
    }

    /// <summary>
    /// Makes attempt <paramref name="attempt"/> of the callback of <paramref name="orchestration"/>'s ending after
    /// <paramref name="retries"/> retries, reporting <paramref name="outcome"/>. Its <see cref="DeliveryHeaders.TaskId"/> and
    /// <see cref="DeliveryHeaders.OrchestrationId"/> both carry the orchestration's id (the id the signature covers); its
    /// <see cref="DeliveryHeaders.IdempotencyKey"/> is <c>{id}:callback</c> for the first ending and <c>{id}:callback:{retries}</c>
    /// for the ending after a retry, so a receiver that acts on each key once hears of every ending.
    /// </summary>
    public Task<TaskResponse> SendAsync(OrchestrationSnapshot orchestration, int retries, int attempt, string outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orchestration);
        var callback = orchestration.Callback ?? throw new InvalidOperationException("The orchestration has no callback.");
        var key = retries == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{orchestration.Id:D}:callback")
            : string.Create(CultureInfo.InvariantCulture, $"{orchestration.Id:D}:callback:{retries}");
        return SendAsync(
            callback, () => bodies.Orchestration(orchestration), orchestration.Owner, orchestration.Id, orchestration.Id, key, attempt, outcome, cancellationToken);
    }

    private async Task<TaskResponse> SendAsync(
        CompletionCallback callback, Func<byte[]> body, string owner, Guid id, Guid? orchestrationId, string idempotencyKey, int attempt, string outcome,
        CancellationToken cancellationToken)
    {
        var limit = options.Value.AttemptTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, callback.Url) { Content = new ByteArrayContent(body()) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            DeliveryHeaders.Apply(request, id, attempt, orchestrationId);

            // One key for every attempt of the callback: a receiver acts on a resource's ending once.
            request.Headers.Remove(DeliveryHeaders.IdempotencyKey);
            request.Headers.TryAddWithoutValidation(DeliveryHeaders.IdempotencyKey, idempotencyKey);
            request.Headers.TryAddWithoutValidation(OutcomeHeader, outcome);
            if (await signer.SignAsync(request, owner, id, attempt, TargetAuthentication.None, timeout.Token) is { } signingError)
            {
                return new TaskResponse(null, null, signingError, DeliveryFailure.InvalidRequest);
            }

            var client = httpClientFactory.CreateClient(DeliveryOptions.HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var retryAfter = response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero ? delta : (TimeSpan?)null;
            return new TaskResponse((int)response.StatusCode, null, null, RetryAfter: retryAfter);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TaskResponse(null, null, $"No response within {limit.TotalMilliseconds:0} ms (the attempt's timeout).", DeliveryFailure.Timeout);
        }
        catch (HttpRequestException e) when (e.InnerException is BlockedTargetException blocked)
        {
            return new TaskResponse(null, null, ErrorText.Bound(blocked.Message), DeliveryFailure.Blocked);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new TaskResponse(null, null, ErrorText.Bound(e.Message), DeliveryFailure.Connection);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new TaskResponse(null, null, ErrorText.Bound(e.Message), DeliveryFailure.InvalidRequest);
        }
    }
}
