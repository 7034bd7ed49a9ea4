using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Limits;

/// <summary>Per-subject write and read rates, and the node-wide admission behind them, on a real server with small limits.</summary>
public sealed class RateLimitTests(RateLimitTests.ServerWithSmallRates fixture) : IClassFixture<RateLimitTests.ServerWithSmallRates>
{
    private const int Burst = 3;

    [Fact]
    public async Task Create_OverWriteRate_Returns429WithRetryAfterNamingTheWriteRate()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

        var (admitted, refused) = await SendUntilRefusedAsync(() => client.PostAsJsonAsync("/tasks", NewTask()), HttpStatusCode.Created);

        Assert.True(admitted >= Burst, $"Only {admitted} writes were admitted before the first 429; the burst is {Burst}");
        var problem = await TaskApi.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 5);
        Assert.Contains("write rate", (string)problem["title"]!, StringComparison.Ordinal);
        Assert.Contains("1 requests per second", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Contains($"bursts of up to {Burst}", (string)problem["detail"]!, StringComparison.Ordinal);
        refused.Dispose();

        // Reads have a bucket of their own.
        using var read = await client.GetAsync(new Uri("/tasks", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task List_OverReadRate_Returns429NamingTheReadRate()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

        var (admitted, refused) = await SendUntilRefusedAsync(() => client.GetAsync(new Uri("/tasks", UriKind.Relative)), HttpStatusCode.OK);

        Assert.True(admitted >= Burst, $"Only {admitted} reads were admitted before the first 429; the burst is {Burst}");
        var problem = await TaskApi.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("read rate", (string)problem["title"]!, StringComparison.Ordinal);
        refused.Dispose();
    }

    [Fact]
    public async Task Create_OverWriteRate_LeavesOtherSubjectsAlone()
    {
        using var noisy = fixture.Server.CreateClient(TestTokens.Create($"noisy-{Guid.NewGuid():N}"));
        using var quiet = fixture.Server.CreateClient(TestTokens.Create($"quiet-{Guid.NewGuid():N}"));

        var (_, refused) = await SendUntilRefusedAsync(() => noisy.PostAsJsonAsync("/tasks", NewTask()), HttpStatusCode.Created);
        refused.Dispose();

        await TaskApi.CreateAsync(quiet, NewTask());
    }

    [Fact]
    public async Task Create_ByAdmin_IsNotRateLimited()
    {
        using var admin = fixture.Server.CreateClient(TestTokens.Create($"ops-{Guid.NewGuid():N}", roles: ["admin"]));

        for (var i = 0; i < Burst * 4; i++)
        {
            await TaskApi.CreateAsync(admin, NewTask());
        }
    }

    [Fact]
    public async Task Create_WhileTheNodeIsSaturated_Returns503ServiceBusy()
    {
        // The node takes one write at a time and queues none: a create whose body has not finished arriving holds that place.
        var token = TestTokens.Create($"ops-{Guid.NewGuid():N}", roles: ["admin"]);
        await using var held = await HeldCreate.StartAsync(fixture.Server.BaseAddress, token, NewTaskJson());
        using var admin = fixture.Server.CreateClient(token);

        using var busy = await Poll.UntilAsync(
            () => admin.PostAsJsonAsync("/tasks", NewTask()), IsServiceBusy,
            TimeSpan.FromSeconds(15), "a create to be refused with 503 while another holds the node's only place");

        var problem = await TaskApi.AssertProblemAsync(busy, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Service busy", (string)problem["title"]!);
        Assert.Equal(TimeSpan.FromSeconds(1), busy.Headers.RetryAfter?.Delta);
        Assert.Equal("HTTP/1.1 201 Created", await held.FinishAsync());
    }

    private static bool IsServiceBusy(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            return true;
        }

        response.Dispose();
        return false;
    }

    /// <summary>Sends requests one after another until one is answered 429; returns how many were answered <paramref name="ok"/> before it, and the 429.</summary>
    private static async Task<(int Admitted, HttpResponseMessage Refused)> SendUntilRefusedAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode ok)
    {
        var admitted = 0;
        for (var i = 0; i < 50; i++)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return (admitted, response);
            }

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == ok, $"Expected {(int)ok} or 429, got {(int)response.StatusCode}: {body}");
            response.Dispose();
            admitted++;
        }

        throw new Xunit.Sdk.XunitException($"No request was refused with 429 in 50 sent one after another, at 1 per second with bursts of {Burst}.");
    }

    private object NewTask() => new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000 };

    private string NewTaskJson() => $$"""{"taskURL":"{{fixture.Target.UrlFor()}}","delayInMS":600000}""";

    /// <summary>
    /// A create sent over a raw connection with the first byte of its chunked body only, so that the server has admitted
    /// it and waits for the rest; <see cref="FinishAsync"/> sends the rest and returns the status line.
    /// </summary>
    private sealed class HeldCreate(TcpClient connection, NetworkStream stream, string rest) : IAsyncDisposable
    {
        public static async Task<HeldCreate> StartAsync(Uri server, string token, string json)
        {
            var connection = new TcpClient();
            await connection.ConnectAsync(server.Host, server.Port);
            var stream = connection.GetStream();
            var head = $"POST /tasks HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {token}\r\n" +
                       $"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{json[..1]}\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            return new HeldCreate(connection, stream, json[1..]);
        }

        public async Task<string?> FinishAsync()
        {
            var chunk = Encoding.UTF8.GetBytes(rest);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
            await stream.WriteAsync(chunk);
            await stream.WriteAsync("\r\n0\r\n\r\n"u8.ToArray());
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await reader.ReadLineAsync(timeout.Token);
        }

        public ValueTask DisposeAsync()
        {
            connection.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A server (in-memory storage) whose subjects may write and read once per second in bursts of three, and whose node takes one write at a time.</summary>
    public sealed class ServerWithSmallRates : IAsyncLifetime
    {
        public ServerProcess Server { get; private set; } = null!;

        public RecordingTarget Target { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Target = await RecordingTarget.StartAsync();
            var settings = ServerSettings.InMemory();
            var burst = Burst.ToString(CultureInfo.InvariantCulture);
            settings["TaskOrchestrator:Limits:Rates:WritesPerSecond"] = "1";
            settings["TaskOrchestrator:Limits:Rates:WriteBurst"] = burst;
            settings["TaskOrchestrator:Limits:Rates:ReadsPerSecond"] = "1";
            settings["TaskOrchestrator:Limits:Rates:ReadBurst"] = burst;
            settings["TaskOrchestrator:Admission:MaxConcurrentWrites"] = "1";
            settings["TaskOrchestrator:Admission:QueueLimit"] = "0";
            Server = await ServerProcess.StartAsync(settings);
        }

        public async Task DisposeAsync()
        {
            await Server.StopAsync();
            await Server.DisposeAsync();
            await Target.DisposeAsync();
        }
    }
}
