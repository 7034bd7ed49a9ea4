using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// Signs a call with AWS Signature Version 4 using the AWS SDK's own signer (<see cref="AWSSigV4Signer"/>), with the
/// region, service and credentials of <see cref="AwsSigningOptions"/>, and only for a host on <see cref="AwsHostAllowlist"/>.
/// </summary>
public sealed class AwsRequestSigner(IOptions<AwsSigningOptions> options, AwsHostAllowlist allowlist) : IDisposable
{
    // Headers a signature produces; any the task carried are dropped so the target sees only ours.
    private static readonly string[] SignatureHeaders = ["Authorization", "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token"];

    private readonly AwsSigningOptions _options = options.Value;
    private readonly DefaultAWSCredentialsIdentityResolver _defaultChain = new();
    private AWSCredentials? _credentials;

    /// <summary>
    /// Signs <paramref name="request"/> as it is now (method, URL, every header) and <paramref name="body"/> (its
    /// exact content bytes) at <paramref name="signedAt"/>, adding <c>Authorization</c>, <c>X-Amz-Date</c>,
    /// <c>X-Amz-Content-SHA256</c> and, for temporary credentials, <c>X-Amz-Security-Token</c>. It must run last:
    /// a header changed after it breaks the signature. Returns null when signed, otherwise why it could not sign.
    /// </summary>
    /// <remarks>
    /// The host is checked here, before anything is signed, although it was checked when the task was created: the
    /// allowlist (or the region) may have changed since the task was stored.
    /// </remarks>
    public async Task<string?> SignAsync(HttpRequestMessage request, byte[] body, DateTimeOffset signedAt, CancellationToken cancellationToken)
    {
        if (allowlist.Refusal(request.RequestUri!) is { } refusal)
        {
            return refusal;
        }

        foreach (var name in SignatureHeaders)
        {
            request.Headers.Remove(name);
        }

        var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = request.RequestUri, Content = request.Content is null ? null : body };
        // NonValidated: the values exactly as they will be written on the wire, not re-formatted by a parser.
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            signing.Headers[name] = values.ToString();
        }

        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers.NonValidated)
            {
                signing.Headers[name] = values.ToString();
            }
        }

        AWSSigningResult result;
        try
        {
            var credentials = _credentials ??= await ResolveCredentialsAsync(cancellationToken);
            result = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
            {
                Credentials = credentials,
                Region = RegionEndpoint.GetBySystemName(_options.Region),
                Service = _options.Service,
                SignPayload = true,
                SignedAt = signedAt.UtcDateTime,
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stops credentials from resolving (none found, an expired role, an unreadable profile) is this
            // attempt's outcome, reported to the task's owner, never the grain's failure.
            return $"AWS SigV4 signing failed: {e.Message}";
        }

        foreach (var (name, value) in result.Headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _defaultChain.Dispose();

    // The resolved credentials object refreshes temporary credentials itself, so it is resolved once and kept.
    private async Task<AWSCredentials> ResolveCredentialsAsync(CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(_options.AccessKeyId)
            ? await _defaultChain.ResolveIdentityAsync(null!, cancellationToken)
            : string.IsNullOrEmpty(_options.SessionToken)
                ? new BasicAWSCredentials(_options.AccessKeyId, _options.SecretAccessKey)
                : new SessionAWSCredentials(_options.AccessKeyId, _options.SecretAccessKey, _options.SessionToken);
}
