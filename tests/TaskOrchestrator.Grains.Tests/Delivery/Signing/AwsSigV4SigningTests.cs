using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Delivery.Signing;

/// <summary>
/// SigV4 as a target receives it from the real invoker, checked by signing the received request again with the AWS
/// SDK's own signer: the same Authorization means AWS would accept it for these credentials.
/// </summary>
public sealed class AwsSigV4SigningTests : IAsyncLifetime
{
    // AWS's documented example credentials: fake.
    private const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    private const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string SessionToken = "FwoGZXIvYXdzEXAMPLETOKEN";
    private const string Region = "eu-west-1";

    private static readonly DateTimeOffset SignedAt = new(2026, 11, 5, 10, 30, 15, TimeSpan.Zero);

    private readonly TestInvokers _invokers = new();
    private RecordingTarget _target = null!;

    public async Task InitializeAsync() => _target = await RecordingTarget.StartAsync();

    public async Task DisposeAsync()
    {
        await _invokers.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData(SessionToken)]
    public async Task InvokeAsync_AwsSigV4_AuthorizationIsTheSdksSignatureOfTheReceivedRequest(string? sessionToken)
    {
        var url = _target.UrlFor("ok") + "?b=x%20y&a=1";
        var headers = new Dictionary<string, string> { ["X-Custom"] = "value", ["User-Agent"] = "tests/1.0" };

        var call = await SendAsync(Aws(sessionToken), SigV4Task(url, headers, """{"greeting":"grüße €"}"""));

        Assert.Equal("20261105T103015Z", call.Headers["X-Amz-Date"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(call.Body))), call.Headers["X-Amz-Content-SHA256"]);
        Assert.Equal(sessionToken, call.Headers.GetValueOrDefault("X-Amz-Security-Token"));
        // The signer ran last: the delivery headers and the scheduler's own signature are covered too.
        var signedHeaders = SignedHeaders(call);
        Assert.Contains("idempotency-key", signedHeaders);
        Assert.Contains("taskorchestrator-signature", signedHeaders);
        Assert.Contains("content-type", signedHeaders);
        Assert.Contains("x-custom", signedHeaders);
        Assert.Equal(call.Headers["Authorization"], await ResignAsync(call, call.Body, sessionToken));
    }

    [Fact]
    public async Task InvokeAsync_AwsSigV4WithoutBody_SignsTheEmptyPayload()
    {
        var call = await SendAsync(Aws(), SigV4Task(_target.UrlFor("ok"), null, null) with { Method = "GET" });

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([])), call.Headers["X-Amz-Content-SHA256"]);
        Assert.Equal(call.Headers["Authorization"], await ResignAsync(call, "", null));
    }

    [Fact]
    public async Task InvokeAsync_AwsSigV4_TamperedBodyDoesNotVerify()
    {
        var call = await SendAsync(Aws(), SigV4Task(_target.UrlFor("ok"), null, """{"amount":10}"""));

        Assert.Equal(call.Headers["Authorization"], await ResignAsync(call, call.Body, null));
        Assert.NotEqual(call.Headers["Authorization"], await ResignAsync(call, """{"amount":1000}""", null));
    }

    [Fact]
    public async Task InvokeAsync_TaskCarriesAuthorization_IsReplacedBySigV4()
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer forged", ["X-Amz-Date"] = "20000101T000000Z" };

        var call = await SendAsync(Aws(), SigV4Task(_target.UrlFor("ok"), headers, "{}"));

        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261105/eu-west-1/lambda/aws4_request", call.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal("20261105T103015Z", call.Headers["X-Amz-Date"]);
    }

    [Fact]
    public async Task InvokeAsync_AwsSigV4WithoutRegion_FailsTheAttemptWithoutCalling()
    {
        var url = _target.UrlFor("ok");
        var options = Aws();
        options.Region = null;

        var response = await _invokers.Create(signing: new SigningOptions(), aws: options, time: new FakeTimeProvider(SignedAt))
            .InvokeAsync(Guid.NewGuid(), 1, SigV4Task(url, null, "{}"), CancellationToken.None);

        Assert.Null(response.StatusCode);
        Assert.Equal(DeliveryFailure.InvalidRequest, response.Failure);
        Assert.Contains("TaskOrchestrator:Delivery:Aws:Region", response.Error, StringComparison.Ordinal);
        Assert.Empty(_target.CallsTo(url));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("*.lambda-url.eu-west-1.on.aws")]
    [InlineData("localhost")]
    public async Task InvokeAsync_AwsSigV4HostNotAllowed_FailsWithoutSigningOrCalling(string? allowed)
    {
        // The default list (the region's function URLs), or one that names other hosts: 127.0.0.1 is on neither, so the
        // service's AWS identity must not sign for it, whatever the task asked when it was stored.
        var url = _target.UrlFor("ok");
        var options = Aws();
        options.AllowedHosts = allowed is null ? [] : [allowed];

        var response = await _invokers.Create(aws: options, time: new FakeTimeProvider(SignedAt))
            .InvokeAsync(Guid.NewGuid(), 1, SigV4Task(url, null, "{}"), CancellationToken.None);

        Assert.Null(response.StatusCode);
        Assert.Equal(DeliveryFailure.InvalidRequest, response.Failure);
        Assert.StartsWith("AWS SigV4 signing is not allowed for 127.0.0.1: the service signs only for hosts matching TaskOrchestrator:Delivery:Aws:AllowedHosts (", response.Error, StringComparison.Ordinal);
        Assert.Empty(_target.CallsTo(url));
    }

    [Fact]
    public async Task InvokeAsync_NoSigV4Asked_SendsNoAwsHeaders()
    {
        var call = await SendAsync(Aws(), SigV4Task(_target.UrlFor("ok"), null, "{}") with { Delivery = null });

        Assert.False(call.Headers.ContainsKey("Authorization"));
        Assert.False(call.Headers.ContainsKey("X-Amz-Date"));
    }

    // Signs the request the target received (method, URL, the headers its Authorization says were signed, the body,
    // X-Amz-Date) with the AWS SDK's signer directly, and returns the Authorization that produces.
    private async Task<string> ResignAsync(RecordedCall call, string body, string? sessionToken)
    {
        var request = new AWSSigningRequest
        {
            HttpMethod = new HttpMethod(call.Method),
            RequestUri = new Uri(_target.BaseAddress, call.Path + call.Query),
            Content = body.Length == 0 ? null : Encoding.UTF8.GetBytes(body),
        };
        // host, x-amz-date, x-amz-content-sha256 and x-amz-security-token the signer derives itself.
        foreach (var name in SignedHeaders(call).Where(n => n != "host" && !n.StartsWith("x-amz-", StringComparison.Ordinal)))
        {
            request.Headers[name] = call.Headers[name];
        }

        var result = await AWSSigV4Signer.SignAsync(request, new AWSSigV4Parameters
        {
            Credentials = sessionToken is null ? new BasicAWSCredentials(AccessKeyId, SecretAccessKey) : new SessionAWSCredentials(AccessKeyId, SecretAccessKey, sessionToken),
            Region = RegionEndpoint.GetBySystemName(Region),
            Service = "lambda",
            SignPayload = true,
            SignedAt = DateTime.ParseExact(call.Headers["X-Amz-Date"], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        }, CancellationToken.None);
        return result.Headers["Authorization"];
    }

    private static string[] SignedHeaders(RecordedCall call)
    {
        var authorization = call.Headers["Authorization"];
        var start = authorization.IndexOf("SignedHeaders=", StringComparison.Ordinal) + "SignedHeaders=".Length;
        return authorization[start..authorization.IndexOf(',', start)].Split(';');
    }

    private async Task<RecordedCall> SendAsync(AwsSigningOptions aws, TaskDefinition task)
    {
        var signing = new SigningOptions { Keys = { "current-key-0123456789abcdefghijklmnopqrstuvwxyz" } };
        var response = await _invokers.Create(signing: signing, aws: aws, time: new FakeTimeProvider(SignedAt)).InvokeAsync(Guid.NewGuid(), 1, task, CancellationToken.None);
        Assert.True(response.StatusCode == 200, $"Expected 200 from the target, got {response.StatusCode}: {response.Error}");
        return Assert.Single(_target.CallsTo(task.Url));
    }

    // The target listens on 127.0.0.1, which only an explicit allowlist entry lets the signer sign for.
    private static AwsSigningOptions Aws(string? sessionToken = null) =>
        new() { Region = Region, AccessKeyId = AccessKeyId, SecretAccessKey = SecretAccessKey, SessionToken = sessionToken, AllowedHosts = ["127.0.0.1"] };

    private static TaskDefinition SigV4Task(string url, IReadOnlyDictionary<string, string>? headers, string? body) =>
        new("tester", url, "POST", headers, body, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
            Delivery: new DeliveryPolicy(new TaskOrchestrator.Tasks.RetryPolicy(1, TimeSpan.Zero, 1, TimeSpan.Zero, 0, []), TimeSpan.FromSeconds(10), TargetAuthentication.AwsSigV4));
}
