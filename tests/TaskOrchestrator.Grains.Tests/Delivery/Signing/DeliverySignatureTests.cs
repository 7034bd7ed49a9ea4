using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Delivery.Signing;

/// <summary>
/// The signature headers as a target receives them from the real invoker, checked with the C# verifier of
/// docs/receiving-calls.md (<see cref="TaskOrchestratorSignature"/>, not the scheduler's own code) and with
/// <see cref="DeliverySignature.Verify"/>.
/// </summary>
public sealed class DeliverySignatureTests : IAsyncLifetime
{
    private const string CurrentKey = "current-key-0123456789abcdefghijklmnopqrstuvwxyz";
    private const string NextKey = "next-key-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210";
    private const string Owner = "tenant-a";

    private readonly TestInvokers _invokers = new();
    private RecordingTarget _target = null!;

    public async Task InitializeAsync() => _target = await RecordingTarget.StartAsync();

    public async Task DisposeAsync()
    {
        await _invokers.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task InvokeAsync_TwoMasterKeys_TargetVerifiesWithEitherOwnerKey(int which)
    {
        var body = """{"greeting":"grüße €"}""";

        var call = await SendAsync(Keys(CurrentKey, NextKey), Definition(_target.UrlFor("ok") + "?b=x%20y&a=1", "POST", null, body));

        Assert.Equal(2, call.Headers[DeliverySignature.SignatureHeader].Split(' ').Length);
        Assert.All(call.Headers[DeliverySignature.SignatureHeader].Split(' '), e => Assert.StartsWith("v2=", e, StringComparison.Ordinal));
        var key = OwnerKey(Owner, which, CurrentKey, NextKey);
        Assert.True(Accepts(key, call), Describe(call));
        Assert.True(DeliverySignature.Verify(key, call.Method, UrlOf(call), Header(call), Encoding.UTF8.GetBytes(call.Body), DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance));
    }

    [Fact]
    public async Task InvokeAsync_Signed_CarriesOwnerAndTheClocksUnixSeconds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 5, 10, 30, 15, 700, TimeSpan.Zero));

        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", null, "{}") with { Owner = "auth0|42 ü" }, time);

        Assert.Equal("1793874615", call.Headers[DeliverySignature.TimestampHeader]);
        Assert.Equal("auth0%7C42%20%C3%BC", call.Headers[DeliverySignature.OwnerHeader]);
        Assert.True(Accepts(OwnerKey("auth0|42 ü", 0, CurrentKey), call, time.GetUtcNow()), Describe(call));
    }

    [Fact]
    public async Task InvokeAsync_GetWithoutBody_SignsTheEmptyBody()
    {
        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "GET", null, null));

        Assert.Equal("", call.Body);
        Assert.True(Accepts(OwnerKey(Owner, 0, CurrentKey), call), Describe(call));
    }

    [Fact]
    public async Task InvokeAsync_SignedUrl_IsTheUrlAsTheTargetReceivedIt()
    {
        // Escapes Uri normalizes (%7e is sent as ~), spaces, non-ASCII: the target rebuilds the URL from its origin and the raw request target.
        var url = _target.UrlFor("ok") + "/%7ex y/ü?q=ä b&r=%2F";

        var call = await SendAsync(Keys(CurrentKey), Definition(url, "PUT", null, "{}"));

        Assert.Equal(DeliverySignature.SignedUrl(new Uri(url)), UrlOf(call));
        Assert.True(Accepts(OwnerKey(Owner, 0, CurrentKey), call), Describe(call));
    }

    [Fact]
    public async Task InvokeAsync_AnotherOwnersKey_TargetRejects()
    {
        // Tenant B's target holds B's key; a call tenant A scheduled to B's URL is signed with A's.
        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", null, "{}") with { Owner = "tenant-a" });

        Assert.True(Accepts(OwnerKey("tenant-a", 0, CurrentKey), call), Describe(call));
        Assert.False(Accepts(OwnerKey("tenant-b", 0, CurrentKey), call));
        Assert.False(DeliverySignature.Verify(OwnerKey("tenant-b", 0, CurrentKey), call.Method, UrlOf(call), Header(call), Encoding.UTF8.GetBytes(call.Body),
            DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance));
    }

    [Fact]
    public async Task InvokeAsync_AnythingSignedChanged_TargetRejects()
    {
        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", null, """{"amount":10}"""), taskId: Guid.NewGuid(), attempt: 2);
        var key = OwnerKey(Owner, 0, CurrentKey);

        Assert.True(Accepts(key, call), Describe(call));
        Assert.False(Accepts(key, call with { Body = """{"amount":1000}""" }));
        Assert.False(Accepts(key, call with { Method = "PUT" }));
        Assert.False(Accepts(key, call, url: UrlOf(call).Replace("/ok/", "/other/", StringComparison.Ordinal)));
        Assert.False(Accepts(key, call, url: UrlOf(call).Replace("127.0.0.1", "localhost", StringComparison.Ordinal)));
        foreach (var (name, value) in new[]
        {
            (DeliveryHeaders.TaskId, Guid.NewGuid().ToString("D")), (DeliveryHeaders.Attempt, "3"), (DeliverySignature.OwnerHeader, "tenant-b"),
            (DeliverySignature.TimestampHeader, (long.Parse(call.Headers[DeliverySignature.TimestampHeader], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        })
        {
            Assert.False(Accepts(key, call with { Headers = With(call.Headers, name, value) }), $"A call with {name} changed was accepted.");
        }
    }

    [Fact]
    public async Task Verify_TimestampOutsideTolerance_Rejects()
    {
        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", null, "{}"));
        var key = OwnerKey(Owner, 0, CurrentKey);
        var body = Encoding.UTF8.GetBytes(call.Body);

        Assert.True(DeliverySignature.Verify(key, call.Method, UrlOf(call), Header(call), body, DateTimeOffset.UtcNow.AddMinutes(4), DeliverySignature.DefaultTolerance));
        Assert.False(DeliverySignature.Verify(key, call.Method, UrlOf(call), Header(call), body, DateTimeOffset.UtcNow.AddMinutes(6), DeliverySignature.DefaultTolerance));
        Assert.False(DeliverySignature.Verify(key, call.Method, UrlOf(call), Header(call), body, DateTimeOffset.UtcNow.AddMinutes(-6), DeliverySignature.DefaultTolerance));
        Assert.False(Accepts(key, call, now: DateTimeOffset.UtcNow.AddMinutes(6)));
    }

    [Fact]
    public async Task InvokeAsync_TaskCarriesHeadersOfTheSameNames_OursWin()
    {
        var taskId = Guid.NewGuid();
        var orchestrationId = Guid.NewGuid();
        var forged = new Dictionary<string, string>
        {
            [DeliveryHeaders.IdempotencyKey] = "forged",
            [DeliveryHeaders.TaskId] = Guid.Empty.ToString(),
            [DeliveryHeaders.Attempt] = "99",
            [DeliveryHeaders.OrchestrationId] = Guid.Empty.ToString(),
            [DeliverySignature.TimestampHeader] = "1",
            [DeliverySignature.SignatureHeader] = "v2=forged",
            [DeliverySignature.OwnerHeader] = "tenant-b",
            ["X-Kept"] = "yes",
        };

        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", forged, "{}") with { OrchestrationId = orchestrationId }, taskId: taskId, attempt: 3);

        Assert.Equal($"{taskId:D}:3", call.Headers[DeliveryHeaders.IdempotencyKey]);
        Assert.Equal(taskId.ToString("D"), call.Headers[DeliveryHeaders.TaskId]);
        Assert.Equal("3", call.Headers[DeliveryHeaders.Attempt]);
        Assert.Equal(orchestrationId.ToString("D"), call.Headers[DeliveryHeaders.OrchestrationId]);
        Assert.Equal(Owner, call.Headers[DeliverySignature.OwnerHeader]);
        Assert.Equal("yes", call.Headers["X-Kept"]);
        Assert.DoesNotContain("forged", call.Headers[DeliverySignature.SignatureHeader], StringComparison.Ordinal);
        Assert.True(Accepts(OwnerKey(Owner, 0, CurrentKey), call), Describe(call));
    }

    [Fact]
    public async Task InvokeAsync_NoKeys_SendsNoSignatureHeaders()
    {
        var forged = new Dictionary<string, string>
        {
            [DeliverySignature.SignatureHeader] = "v2=forged", [DeliverySignature.TimestampHeader] = "1", [DeliverySignature.OwnerHeader] = "tenant-b",
        };

        var call = await SendAsync(new SigningOptions(), Definition(_target.UrlFor("ok"), "POST", forged, "{}"));

        Assert.False(call.Headers.ContainsKey(DeliverySignature.SignatureHeader));
        Assert.False(call.Headers.ContainsKey(DeliverySignature.TimestampHeader));
        Assert.False(call.Headers.ContainsKey(DeliverySignature.OwnerHeader));
        Assert.True(call.Headers.ContainsKey(DeliveryHeaders.IdempotencyKey));
    }

    [Fact]
    public async Task InvokeAsync_LegacyV1Off_SendsNoV1Signature()
    {
        var call = await SendAsync(Keys(CurrentKey), Definition(_target.UrlFor("ok"), "POST", null, "{}"));

        Assert.DoesNotContain("v1=", call.Headers[DeliverySignature.SignatureHeader], StringComparison.Ordinal);
        Assert.False(LegacyDeliverySignature.Verify(CurrentKey, call.Headers[DeliverySignature.TimestampHeader], Encoding.UTF8.GetBytes(call.Body),
            call.Headers[DeliverySignature.SignatureHeader], DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance));
    }

    [Fact]
    public async Task InvokeAsync_LegacyV1On_AlsoSendsV1SignedWithTheMasterKey()
    {
        var options = Keys(CurrentKey);
        options.LegacyV1 = true;

        var call = await SendAsync(options, Definition(_target.UrlFor("ok"), "POST", null, """{"n":1}"""));

        var entries = call.Headers[DeliverySignature.SignatureHeader].Split(' ');
        Assert.Equal(["v2=", "v1="], entries.Select(e => e[..3]));
        Assert.True(LegacyDeliverySignature.Verify(CurrentKey, call.Headers[DeliverySignature.TimestampHeader], Encoding.UTF8.GetBytes(call.Body),
            call.Headers[DeliverySignature.SignatureHeader], DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance));
        Assert.True(Accepts(OwnerKey(Owner, 0, CurrentKey), call), Describe(call));
    }

    [Fact]
    public void OwnerSigningKeys_SameOwnerAndMasterKey_AreStableAndDistinctPerOwnerAndMasterKey()
    {
        var keys = new OwnerSigningKeys(Options.Create(Keys(CurrentKey, NextKey)));

        var a = keys.For("tenant-a");

        Assert.Equal(2, a.Count);
        Assert.All(a, k => Assert.Equal(32, k.Length));
        Assert.Equal(a, new OwnerSigningKeys(Options.Create(Keys(CurrentKey, NextKey))).For("tenant-a"));
        Assert.NotEqual(a[0], a[1]);
        Assert.NotEqual(a[0], keys.For("tenant-b")[0]);
        Assert.NotEqual(a[0], keys.For("tenant-a ")[0]);
    }

    // The URL a target rebuilds: the origin it knows it serves, then the request target exactly as received.
    private string UrlOf(RecordedCall call) => _target.BaseAddress.GetLeftPart(UriPartial.Authority) + call.RawTarget;

    private bool Accepts(string key, RecordedCall call, DateTimeOffset? now = null, string? url = null) =>
        TaskOrchestratorSignature.Verify(key, call.Method, url ?? UrlOf(call), Header(call), Encoding.UTF8.GetBytes(call.Body), now);

    private static Func<string, string?> Header(RecordedCall call) => name => call.Headers.GetValueOrDefault(name);

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> headers, string name, string value) =>
        new(headers, StringComparer.OrdinalIgnoreCase) { [name] = value };

    private static string OwnerKey(string owner, int index, params string[] masterKeys) =>
        Convert.ToBase64String(new OwnerSigningKeys(Options.Create(Keys(masterKeys))).For(owner)[index]);

    private static string Describe(RecordedCall call) =>
        $"{call.Method} {call.RawTarget}, owner {call.Headers.GetValueOrDefault(DeliverySignature.OwnerHeader)}, timestamp {call.Headers.GetValueOrDefault(DeliverySignature.TimestampHeader)}, " +
        $"signature {call.Headers.GetValueOrDefault(DeliverySignature.SignatureHeader)}, body {call.Body}";

    private async Task<RecordedCall> SendAsync(SigningOptions signing, TaskDefinition task, TimeProvider? time = null, Guid? taskId = null, int attempt = 1)
    {
        var response = await _invokers.Create(signing: signing, time: time).InvokeAsync(taskId ?? Guid.NewGuid(), attempt, task, CancellationToken.None);
        Assert.True(response.StatusCode == 200, $"Expected 200 from the target, got {response.StatusCode}: {response.Error}");
        // Every URL here is UrlFor's, /ok/{unique id}, with perhaps more after it.
        var id = new Uri(task.Url).Segments[2].TrimEnd('/');
        return Assert.Single(_target.Calls, c => c.Path.StartsWith($"/ok/{id}", StringComparison.Ordinal));
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
        new(Owner, url, method, headers, body, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
}
