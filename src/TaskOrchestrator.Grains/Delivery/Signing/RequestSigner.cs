using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// Signs each call once it is otherwise complete: the scheduler's own signature headers (<see cref="DeliverySignature"/>)
/// with the task owner's keys (<see cref="OwnerSigningKeys"/>), then AWS SigV4 over the final headers and body when the
/// task asks for it.
/// </summary>
public sealed class RequestSigner(IOptions<SigningOptions> options, OwnerSigningKeys ownerKeys, AwsRequestSigner aws, TimeProvider timeProvider)
{
    private static readonly string[] OurHeaders = [DeliverySignature.TimestampHeader, DeliverySignature.SignatureHeader, DeliverySignature.OwnerHeader];

    private readonly byte[][] _legacyKeys = options.Value.LegacyV1 ? [.. options.Value.Keys.Select(Encoding.UTF8.GetBytes)] : [];

    /// <summary>
    /// Signs <paramref name="request"/>, attempt <paramref name="attempt"/> of task <paramref name="taskId"/> owned by
    /// <paramref name="owner"/>; returns null when done, otherwise why the call cannot be signed.
    /// </summary>
    public async Task<string?> SignAsync(
        HttpRequestMessage request, string owner, Guid taskId, int attempt, TargetAuthentication authentication, CancellationToken cancellationToken)
    {
        // Ours win over the task's own headers of the same name, whether or not there is a key to sign with.
        foreach (var name in OurHeaders)
        {
            request.Headers.Remove(name);
            request.Content?.Headers.Remove(name);
        }

        if (ownerKeys.Count == 0 && authentication == TargetAuthentication.None)
        {
            return null;
        }

        // The content buffers in memory, so these are the very bytes that go on the wire.
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        if (ownerKeys.Count > 0)
        {
            var timestamp = now.ToUnixTimeSeconds();
            var t = timestamp.ToString(CultureInfo.InvariantCulture);
            var ownerValue = DeliverySignature.OwnerHeaderValue(owner);
            var (method, url) = (request.Method.Method, DeliverySignature.SignedUrl(request.RequestUri!));
            var (id, number) = (taskId.ToString("D"), attempt.ToString(CultureInfo.InvariantCulture));
            var signatures = ownerKeys.For(owner)
                .Select(key => DeliverySignature.VersionPrefix + DeliverySignature.Compute(key, method, url, ownerValue, id, number, t, body))
                .Concat(_legacyKeys.Select(key => LegacyDeliverySignature.VersionPrefix + LegacyDeliverySignature.Compute(key, timestamp, body)));
            request.Headers.TryAddWithoutValidation(DeliverySignature.OwnerHeader, ownerValue);
            request.Headers.TryAddWithoutValidation(DeliverySignature.TimestampHeader, t);
            request.Headers.TryAddWithoutValidation(DeliverySignature.SignatureHeader, string.Join(' ', signatures));
        }

        return authentication == TargetAuthentication.AwsSigV4 ? await aws.SignAsync(request, body, now, cancellationToken) : null;
    }
}
