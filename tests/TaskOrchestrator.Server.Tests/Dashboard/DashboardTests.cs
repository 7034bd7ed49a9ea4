using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Dashboard;

/// <summary>The Orleans Dashboard at /dashboard behind HTTP Basic authentication, on a real server process.</summary>
public sealed class DashboardTests(DashboardTests.ServerWithDashboard fixture) : IClassFixture<DashboardTests.ServerWithDashboard>
{
    private const string Username = "operator";
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task Dashboard_WithoutCredentials_Returns401WithBasicChallenge()
    {
        using var client = fixture.Server.CreateClient(token: null);
        using var response = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));

        await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Contains("realm=", challenge.Parameter, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Username, "wrong-password")]
    [InlineData("someone", Password)]
    [InlineData(Username, "")]
    public async Task Dashboard_WithWrongCredentials_Returns401(string username, string password)
    {
        using var client = fixture.Server.CreateClient(token: null);
        client.DefaultRequestHeaders.Authorization = Basic(username, password);
        using var response = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));

        await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Dashboard_WithApiBearerToken_Returns401()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create("alice", roles: ["admin"]));
        using var response = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));

        await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Dashboard_WithCredentials_ServesThePageAndTheClusterData()
    {
        using var client = fixture.Server.CreateClient(token: null);
        client.DefaultRequestHeaders.Authorization = Basic(Username, Password);

        using var page = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // What the page itself fetches: the cluster's silos and grains, which the dashboard's grains gather every second.
        var counters = await Poll.UntilAsync(
            () => client.GetStringAsync(new Uri("/dashboard/DashboardCounters", UriKind.Relative)),
            body => JsonNode.Parse(body)?["totalActiveHostCount"]?.GetValue<int>() == 1,
            TimeSpan.FromSeconds(15), "the dashboard to report this silo as the one active host");
        Assert.NotEmpty(JsonNode.Parse(counters)!["hosts"]!.AsArray());
    }

    private static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    /// <summary>A server (in-memory storage) with the dashboard enabled for <see cref="Username"/>/<see cref="Password"/>.</summary>
    public sealed class ServerWithDashboard : IAsyncLifetime
    {
        public ServerProcess Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var siloPort = FreePorts.Consecutive(2);
            Server = await ServerProcess.StartAsync(new Dictionary<string, string>(TestTokens.ServerSettings)
            {
                ["TaskOrchestrator:Storage:Provider"] = "Memory",
                ["TaskOrchestrator:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
                ["TaskOrchestrator:Cluster:GatewayPort"] = (siloPort + 1).ToString(CultureInfo.InvariantCulture),
                ["TaskOrchestrator:Dashboard:Username"] = Username,
                ["TaskOrchestrator:Dashboard:Password"] = Password,
            });
        }

        public async Task DisposeAsync()
        {
            await Server.StopAsync();
            await Server.DisposeAsync();
        }
    }
}
