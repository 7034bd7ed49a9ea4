using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace TaskOrchestrator.Server.Tests.Dashboard;

/// <summary>Without a configured password the dashboard is not served at all.</summary>
[Collection(MemoryServerCollection.Name)]
public sealed class DashboardOffTests(MemoryServerFixture fixture)
{
    [Fact]
    public async Task Dashboard_WithoutConfiguredPassword_Returns404()
    {
        using var client = fixture.Server.CreateClient(token: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:")));
        using var response = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
