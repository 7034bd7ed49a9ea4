using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Delivery.Signing;

/// <summary>
/// The signature headers as a target receives them from the real invoker, checked the way the README tells a target
/// to check them: implemented here from the documented algorithm, not with the scheduler's own code.
/// </summary>
public sealed class DeliverySignatureTests : IAsyncLifetime
{
    private const string CurrentKey = "current-key-0123456789abcdefghijklmnopqrstuvwxyz";
    private const string NextKey = "next-key-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210";

    private readonly TestInvokers _invokers = new();
    private RecordingTarget _target = null!;

    public async Task InitializeAsync() => _target = await RecordingTarget.StartAsync();

    public async Task DisposeAsync()
    {
        await _invokers.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Theory]
    [InlineData(CurrentKey)]
    [InlineData(NextKey)]
    public async Task InvokeAsync_TwoKeys_TargetVerifiesWithEitherKey(string targetKey)
    {
        var url = _target.UrlFor("ok");
        var body = """{"greeting":"grüße €"}""";

        var call = await SendAsync(Keys(CurrentKey, NextKey), Definition(url, "POST", null, body));

        Assert.Equal(2, call.Headers[DeliverySignature.SignatureHeader].Split(' ').Length);
        Assert.True(TargetAccepts(targetKey, call, DateTimeOffset.UtcNow), Describe(call));
        Assert.True(DeliverySignature.Verify(targetKey, call.Headers[DeliverySignature.TimestampHeader], Encoding.UTF8.GetBytes(call.Body),
            call.Headers[DeliverySignature.SignatureHeader], DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance));
    }

    [Fact]
    public async Task InvokeAsync_Signed_TimestampIsTheClocksUnixSeconds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 5, 10, 30, 15, 700, TimeSpan.Zero));

        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", null, "{}"), time);

        Assert.Equal("1793874615", call.Headers[DeliverySignature.TimestampHeader]);
        Assert.True(TargetAccepts(CurrentKey, call, time.GetUtcNow()), Describe(call));
    }

    [Fact]
    public async Task InvokeAsync_GetWithoutBody_SignsTheEmptyBody()
    {
        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "GET", null, null));

        Assert.Equal("", call.Body);
        Assert.True(TargetAccepts(CurrentKey, call, DateTimeOffset.UtcNow), Describe(call));
    }

    [Fact]
    public async Task InvokeAsync_WrongKey_TargetRejects()
    {
        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", null, "{}"));

        Assert.False(TargetAccepts("some-other-key-0123456789abcdefghijklmnop", call, DateTimeOffset.UtcNow));
        Assert.False(DeliverySignature.Verify("some-other-key-0123456789abcdefghijklmnop", call.Headers[DeliverySignature.TimestampHeader],
            Encoding.UTF8.GetBytes(call.Body), call.Headers[DeliverySignature.SignatureHeader], DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance));
    }

    [Fact]
    public async Task InvokeAsync_BodyTamperedWith_TargetRejects()
    {
        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", null, """{"amount":10}"""));

        var tampered = call with { Body = """{"amount":1000}""" };

        Assert.True(TargetAccepts(CurrentKey, call, DateTimeOffset.UtcNow), Describe(call));
        Assert.False(TargetAccepts(CurrentKey, tampered, DateTimeOffset.UtcNow));
        Assert.False(DeliverySignature.Verify(CurrentKey, call.Headers[DeliverySignature.TimestampHeader], Encoding.UTF8.GetBytes(tampered.Body),
            call.Headers[DeliverySignature.SignatureHeader], DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance));
    }

    [Fact]
    public async Task Verify_TimestampOlderThanTolerance_Rejects()
    {
        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", null, "{}"));
        var body = Encoding.UTF8.GetBytes(call.Body);
        var timestamp = call.Headers[DeliverySignature.TimestampHeader];
        var signature = call.Headers[DeliverySignature.SignatureHeader];

        Assert.True(DeliverySignature.Verify(CurrentKey, timestamp, body, signature, DateTimeOffset.UtcNow.AddMinutes(4), DeliverySignature.DefaultTolerance));
        Assert.False(DeliverySignature.Verify(CurrentKey, timestamp, body, signature, DateTimeOffset.UtcNow.AddMinutes(6), DeliverySignature.DefaultTolerance));
        Assert.False(DeliverySignature.Verify(CurrentKey, timestamp, body, signature, DateTimeOffset.UtcNow.AddMinutes(-6), DeliverySignature.DefaultTolerance));
    }

    [Fact]
    public async Task InvokeAsync_TaskCarriesHeadersOfTheSameNames_OursWin()
    {
        var taskId = Guid.NewGuid();
        var orchestrationId = Guid.NewGuid();
        var url = _target.UrlFor("ok");
        var forged = new Dictionary<string, string>
        {
            [DeliveryHeaders.IdempotencyKey] = "forged",
            [DeliveryHeaders.TaskId] = Guid.Empty.ToString(),
            [DeliveryHeaders.Attempt] = "99",
            [DeliveryHeaders.OrchestrationId] = Guid.Empty.ToString(),
            [DeliverySignature.TimestampHeader] = "1",
            [DeliverySignature.SignatureHeader] = "v1=forged",
            ["X-Kept"] = "yes",
        };

        var call = await SendAsync(Keys(CurrentKey), Definition(url, "POST", forged, "{}") with { OrchestrationId = orchestrationId }, taskId: taskId, attempt: 3);

        Assert.Equal($"{taskId:D}:3", call.Headers[DeliveryHeaders.IdempotencyKey]);
        Assert.Equal(taskId.ToString("D"), call.Headers[DeliveryHeaders.TaskId]);
        Assert.Equal("3", call.Headers[DeliveryHeaders.Attempt]);
        Assert.Equal(orchestrationId.ToString("D"), call.Headers[DeliveryHeaders.OrchestrationId]);
        Assert.Equal("yes", call.Headers["X-Kept"]);
        Assert.DoesNotContain("forged", call.Headers[DeliverySignature.SignatureHeader], StringComparison.Ordinal);
        Assert.True(TargetAccepts(CurrentKey, call, DateTimeOffset.UtcNow), Describe(call));
    }

    [Fact]
    public async Task InvokeAsync_NoKeys_SendsNoSignatureHeaders()
    {
        var forged = new Dictionary<string, string> { [DeliverySignature.SignatureHeader] = "v1=forged", [DeliverySignature.TimestampHeader] = "1" };

        var call = await SendAsync(new SigningOptions(), Definition(_target.UrlFor("ok"), "POST", forged, "{}"));

        Assert.False(call.Headers.ContainsKey(DeliverySignature.SignatureHeader));
        Assert.False(call.Headers.ContainsKey(DeliverySignature.TimestampHeader));
        Assert.True(call.Headers.ContainsKey(DeliveryHeaders.IdempotencyKey));
    }

    // The target side, written from the README: HMAC-SHA256 with the key's UTF-8 bytes over "{timestamp}." + raw body,
    // base64, compared with each "v1=" entry; the timestamp within 5 minutes.
    private static bool TargetAccepts(string key, RecordedCall call, DateTimeOffset now)
    {
        if (!call.Headers.TryGetValue("TaskOrchestrator-Timestamp", out var timestamp)
            || !call.Headers.TryGetValue("TaskOrchestrator-Signature", out var signatures)
            || Math.Abs(now.ToUnixTimeSeconds() - long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)) > 300)
        {
            return false;
        }

        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(Encoding.UTF8.GetBytes(call.Body)).ToArray();
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key));
        var expected = Encoding.ASCII.GetBytes("v1=" + Convert.ToBase64String(hmac.ComputeHash(signed)));
        return signatures.Split(' ').Any(entry => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(entry)));
    }

    private static string Describe(RecordedCall call) =>
        $"timestamp {call.Headers.GetValueOrDefault("TaskOrchestrator-Timestamp")}, signature {call.Headers.GetValueOrDefault("TaskOrchestrator-Signature")}, body {call.Body}";

    private async Task<RecordedCall> SendAsync(SigningOptions signing, TaskDefinition task, TimeProvider? time = null, Guid? taskId = null, int attempt = 1)
    {
        var response = await _invokers.Create(signing: signing, time: time).InvokeAsync(taskId ?? Guid.NewGuid(), attempt, task, CancellationToken.None);
        Assert.Equal(200, response.StatusCode);
        return Assert.Single(_target.CallsTo(task.Url));
    }

    private static SigningOptions Keys(params string[] keys)
    {
        var options = new SigningOptions();
        foreach (var key in keys)
        {
            options.Keys.Add(key);
        }

        return options;
    }

    private static TaskDefinition Definition(string url, string method, IReadOnlyDictionary<string, string>? headers, string? body) =>
        new("tester", url, method, headers, body, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
}
