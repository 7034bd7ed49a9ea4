using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// Signs each call once it is otherwise complete: the scheduler's own signature headers (<see cref="DeliverySignature"/>)
/// with every configured key, then AWS SigV4 over the final headers and body when the task asks for it.
/// </summary>
public sealed class RequestSigner(IOptions<SigningOptions> options, AwsRequestSigner aws, TimeProvider timeProvider)
{
    private readonly byte[][] _keys = [.. options.Value.Keys.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Signs <paramref name="request"/>; returns null when done, otherwise why the call cannot be signed.</summary>
    public async Task<string?> SignAsync(HttpRequestMessage request, TargetAuthentication authentication, CancellationToken cancellationToken)
    {
        // Ours win over the task's own headers of the same name, whether or not there is a key to sign with.
        request.Headers.Remove(DeliverySignature.TimestampHeader);
        request.Headers.Remove(DeliverySignature.SignatureHeader);
        request.Content?.Headers.Remove(DeliverySignature.TimestampHeader);
        request.Content?.Headers.Remove(DeliverySignature.SignatureHeader);
        if (_keys.Length == 0 && authentication == TargetAuthentication.None)
        {
            return null;
        }

        // The content buffers in memory, so these are the very bytes that go on the wire.
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        if (_keys.Length > 0)
        {
            var timestamp = now.ToUnixTimeSeconds();
            var signatures = _keys.Select(key => DeliverySignature.VersionPrefix + DeliverySignature.Compute(key, timestamp, body));
            request.Headers.TryAddWithoutValidation(DeliverySignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(DeliverySignature.SignatureHeader, string.Join(' ', signatures));
        }

        return authentication == TargetAuthentication.AwsSigV4 ? await aws.SignAsync(request, body, now, cancellationToken) : null;
    }
}
