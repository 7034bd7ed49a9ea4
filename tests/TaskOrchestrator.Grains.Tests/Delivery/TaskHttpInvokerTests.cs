using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Tasks;
using TaskOrchestrator.Telemetry;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Grains.Tests.Delivery;

/// <summary>One attempt against a real HTTP target on 127.0.0.1.</summary>
public sealed class TaskHttpInvokerTests : IAsyncLifetime
{
    private readonly TestInvokers _invokers = new();
    private RecordingTarget _target = null!;

    public async Task InitializeAsync() => _target = await RecordingTarget.StartAsync();

    public async Task DisposeAsync()
    {
        await _invokers.DisposeAsync();

        await _target.DisposeAsync();
    }

    [Fact]
    public async Task InvokeAsync_TargetAnswers200_ReportsStatusAndBody()
    {
        var response = await Invoker().InvokeAsync(Guid.NewGuid(), 1, Definition(_target.UrlFor("ok")), CancellationToken.None);

        Assert.Equal(new TaskResponse(200, "ok", null), response);
        Assert.True(response.IsSuccess);
    }

    [Fact]
    public async Task InvokeAsync_TargetAnswers500_ReportsStatusWithoutError()
    {
        var response = await Invoker().InvokeAsync(Guid.NewGuid(), 1, Definition(_target.UrlFor("status/500")), CancellationToken.None);

        Assert.Equal(new TaskResponse(500, "status 500", null), response);
        Assert.False(response.IsSuccess);
    }

    [Theory]
    [InlineData(1, "s")]
    [InlineData(6, "status")]
    [InlineData(10, "status 503")]
    [InlineData(11, "status 503")]
    public async Task InvokeAsync_BodyLimit_KeepsAtMostThatManyBytes(int maxBytes, string expected)
    {
        var invoker = Invoker(new DeliveryOptions { MaxResponseBodyBytes = maxBytes });

        var response = await invoker.InvokeAsync(Guid.NewGuid(), 1, Definition(_target.UrlFor("status/503")), CancellationToken.None);

        Assert.Equal(503, response.StatusCode);
        Assert.Equal(expected, response.Body);
    }

    [Fact]
    public async Task InvokeAsync_BodyLimitZero_KeepsNoBody()
    {
        var invoker = Invoker(new DeliveryOptions { MaxResponseBodyBytes = 0 });

        var response = await invoker.InvokeAsync(Guid.NewGuid(), 1, Definition(_target.UrlFor("ok")), CancellationToken.None);

        Assert.Equal(new TaskResponse(200, null, null), response);
    }

    [Theory]
    [InlineData(1, "a")]
    [InlineData(2, "a")]
    [InlineData(3, "a")]
    [InlineData(4, "a€")]
    [InlineData(5, "a€b")]
    [InlineData(8, "a€b")]
    [InlineData(9, "a€b😀")]
    public async Task InvokeAsync_LimitInsideMultiByteCharacter_DropsThePartialCharacter(int maxBytes, string expected)
    {
        // RecordingTarget answers ASCII only; a canned answer puts a character boundary where the test needs it.
        var body = Encoding.UTF8.GetBytes("a€b😀");
        var invoker = Invoker(new DeliveryOptions { MaxResponseBodyBytes = maxBytes }, () => new CannedAnswerHandler(body));

        var response = await invoker.InvokeAsync(Guid.NewGuid(), 1, Definition("http://127.0.0.1/canned"), CancellationToken.None);

        Assert.Equal(expected, response.Body);
    }

    [Fact]
    public async Task InvokeAsync_TargetSlowerThanAttemptTimeout_ReportsNoResponse()
    {
        var invoker = Invoker(new DeliveryOptions { AttemptTimeout = TimeSpan.FromMilliseconds(200) });
        var clock = Stopwatch.StartNew();

        var response = await invoker.InvokeAsync(Guid.NewGuid(), 1, Definition(_target.UrlFor("slow/2000")), CancellationToken.None);

        Assert.Null(response.StatusCode);
        Assert.Null(response.Body);
        Assert.Contains("No response", response.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(1500), $"The attempt took {clock.ElapsedMilliseconds} ms; its timeout is 200 ms.");
    }

    [Fact]
    public async Task InvokeAsync_CallerCancels_Throws()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Invoker().InvokeAsync(Guid.NewGuid(), 1, Definition(_target.UrlFor("slow/2000")), cancel.Token));
    }

    [Fact]
    public async Task InvokeAsync_ConnectionRefused_ReportsError()
    {
        var response = await Invoker().InvokeAsync(Guid.NewGuid(), 1, Definition($"http://127.0.0.1:{FreePorts.Consecutive(1)}/closed"), CancellationToken.None);

        Assert.Null(response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(response.Error));
    }

    [Fact]
    public async Task InvokeAsync_ResponseEndsPrematurely_ReportsError()
    {
        // A target that promises 100 bytes, sends 2 and hangs up: the failure surfaces while the body is read.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var answered = AnswerOnceAsync(listener, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nok"u8.ToArray());
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/truncated";

        var response = await Invoker().InvokeAsync(Guid.NewGuid(), 1, Definition(url), CancellationToken.None);
        await answered;

        Assert.False(string.IsNullOrWhiteSpace(response.Error));
        Assert.False(response.IsSuccess);
    }

    [Fact]
    public async Task InvokeAsync_HugeInvalidStatusLine_StoresABoundedOneLineError()
    {
        // .NET quotes an invalid status line whole in the exception's message: here 60,000 bytes of the target's choosing,
        // with terminal escapes, which would otherwise be stored with the task (twice), logged and shown to its owner.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var statusLine = "XTTP/1.1 200 \u001b[2J\u0007" + new string('A', 60_000) + "\u0000tail\r\n\r\n";
        var answered = AnswerOnceAsync(listener, Encoding.ASCII.GetBytes(statusLine));
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/garbage";

        var response = await Invoker().InvokeAsync(Guid.NewGuid(), 1, Definition(url), CancellationToken.None);
        await answered;

        Assert.Null(response.StatusCode);
        Assert.Equal(DeliveryFailure.Connection, response.Failure);
        Assert.NotNull(response.Error);
        Assert.True(response.Error.Length <= ErrorText.MaxLength, $"The error is {response.Error.Length} characters long.");
        Assert.StartsWith("Received an invalid status line: 'XTTP/1.1 200 ?[2J?AAAA", response.Error, StringComparison.Ordinal);
        Assert.EndsWith("AAA...", response.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(response.Error, char.IsControl);
    }

    [Fact]
    public async Task InvokeAsync_CustomHeadersAndContentType_PassesThemThrough()
    {
        var url = _target.UrlFor("ok");
        var headers = new Dictionary<string, string>
        {
            ["X-Api-Key"] = "s3cret",
            ["User-Agent"] = "task-orchestrator-tests/1.0",
            ["Content-Type"] = "text/plain; charset=utf-8",
        };

        await Invoker().InvokeAsync(Guid.NewGuid(), 1, Definition(url, "PUT", headers, "plain text"), CancellationToken.None);

        var call = Assert.Single(_target.CallsTo(url));
        Assert.Equal("PUT", call.Method);
        Assert.Equal("s3cret", call.Headers["X-Api-Key"]);
        Assert.Equal("task-orchestrator-tests/1.0", call.Headers["User-Agent"]);
        Assert.Equal("text/plain; charset=utf-8", call.Headers["Content-Type"]);
        Assert.Equal("plain text", call.Body);
    }

    [Fact]
    public async Task InvokeAsync_BodyWithoutContentType_SendsJson()
    {
        var url = _target.UrlFor("ok");

        await Invoker().InvokeAsync(Guid.NewGuid(), 1, Definition(url, "POST", null, """{"n":1}"""), CancellationToken.None);

        var call = Assert.Single(_target.CallsTo(url));
        Assert.Equal("application/json; charset=utf-8", call.Headers["Content-Type"]);
        Assert.Equal("""{"n":1}""", call.Body);
    }

    [Fact]
    public async Task InvokeAsync_GetWithoutBody_SendsNoContent()
    {
        var url = _target.UrlFor("ok");

        await Invoker().InvokeAsync(Guid.NewGuid(), 1, Definition(url, "GET", null, null), CancellationToken.None);

        var call = Assert.Single(_target.CallsTo(url));
        Assert.Equal("GET", call.Method);
        Assert.Equal("", call.Body);
        Assert.False(call.Headers.ContainsKey("Content-Type"));
    }

    private static TaskDefinition Definition(string url, string method = "POST", IReadOnlyDictionary<string, string>? headers = null, string? body = null) =>
        new("tester", url, method, headers, body, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private TaskHttpInvoker Invoker(DeliveryOptions? options = null, Func<HttpMessageHandler>? primaryHandler = null) =>
        _invokers.Create(options, primaryHandler: primaryHandler);

    private static async Task AnswerOnceAsync(TcpListener listener, byte[] rawResponse)
    {
        using var connection = await listener.AcceptTcpClientAsync();
        var stream = connection.GetStream();
        var request = new List<byte>();
        var buffer = new byte[4096];
        while (!request.ToArray().AsSpan().EndsWith("\r\n\r\n"u8))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            request.AddRange(buffer.AsSpan(0, read));
        }

        await stream.WriteAsync(rawResponse);
        connection.Client.Shutdown(SocketShutdown.Both);
    }

    private sealed class CannedAnswerHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
    }
}
