using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Dashboard;

/// <summary>
/// Failed dashboard logins are throttled per client address, on a real server that allows 3 per window. Each test's
/// client connects from an address of its own in 127.0.0.0/8 (every one of them is loopback on Linux).
/// </summary>
public sealed class DashboardLoginLimitTests(DashboardLoginLimitTests.ServerWithDashboard fixture) : IClassFixture<DashboardLoginLimitTests.ServerWithDashboard>
{
    private const string Username = "operator";
    private const string Password = "correct-horse-battery";
    private const int MaxFailedLogins = 3;

    [Fact]
    public async Task Dashboard_AfterTooManyFailedLogins_Returns429WithoutCheckingThePassword()
    {
        using var guesser = ClientFrom(NewLoopbackAddress());
        for (var i = 0; i < MaxFailedLogins; i++)
        {
            using var wrong = await GetDashboardAsync(guesser, $"guess-{i}");
            await TaskApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        }

        using var blocked = await GetDashboardAsync(guesser, Password);

        var problem = await TaskApi.AssertProblemAsync(blocked, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many failed logins", (string)problem["title"]!);
        Assert.InRange(blocked.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 300);

        // Another client is not affected.
        using var other = ClientFrom(NewLoopbackAddress());
        using var page = await GetDashboardAsync(other, Password);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Dashboard_SuccessfulLogin_ForgetsEarlierFailures()
    {
        using var client = ClientFrom(NewLoopbackAddress());
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < MaxFailedLogins - 1; i++)
            {
                using var wrong = await GetDashboardAsync(client, "wrong");
                await TaskApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
            }

            using var page = await GetDashboardAsync(client, Password);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
    }

    private static async Task<HttpResponseMessage> GetDashboardAsync(HttpClient client, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{password}")));
        return await client.SendAsync(request);
    }

    private static IPAddress NewLoopbackAddress() => new([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(0, 256), (byte)Random.Shared.Next(2, 255)]);

    /// <summary>A client of the server whose connections come from <paramref name="local"/>.</summary>
    private HttpClient ClientFrom(IPAddress local)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = fixture.Server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A server (in-memory storage) with the dashboard enabled, allowing <see cref="MaxFailedLogins"/> failed logins per client.</summary>
    public sealed class ServerWithDashboard : IAsyncLifetime
    {
        public ServerProcess Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var settings = ServerSettings.InMemory();
            settings["TaskOrchestrator:Dashboard:Username"] = Username;
            settings["TaskOrchestrator:Dashboard:Password"] = Password;
            settings["TaskOrchestrator:Dashboard:MaxFailedLogins"] = MaxFailedLogins.ToString(CultureInfo.InvariantCulture);
            Server = await ServerProcess.StartAsync(settings);
        }

        public async Task DisposeAsync()
        {
            await Server.StopAsync();
            await Server.DisposeAsync();
        }
    }
}
