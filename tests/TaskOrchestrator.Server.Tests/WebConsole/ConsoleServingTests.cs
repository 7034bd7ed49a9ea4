using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskOrchestrator.Server.WebConsole;

namespace TaskOrchestrator.Server.Tests.WebConsole;

/// <summary>The console's files and configuration as the server process serves them (the browser tests are in TaskOrchestrator.Console.Tests).</summary>
[Collection(MemoryServerCollection.Name)]
public sealed class ConsoleServingTests(MemoryServerFixture fixture)
{
    [Fact]
    public async Task ConsolePage_WithoutToken_ServedWithAStrictContentSecurityPolicy()
    {
        using var anonymous = fixture.Server.CreateClient(null);
        using var response = await anonymous.GetAsync(new Uri("/console/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<div id=\"app\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Matches(@"script-src 'self' 'sha256-[A-Za-z0-9+/]{43}='", policy);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", string.Join(' ', response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", string.Join(' ', response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Theory]
    [InlineData("/console/app/main.js", "text/javascript")]
    [InlineData("/console/vendor/preact/preact.mjs", "text/javascript")]
    [InlineData("/console/app/console.css", "text/css")]
    [InlineData("/console/vendor/uplot/uPlot.min.css", "text/css")]
    public async Task ConsoleFiles_ServedFromTheServerItself(string path, string? mediaType)
    {
        using var anonymous = fixture.Server.CreateClient(null);
        using var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (mediaType is not null)
        {
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task ConsolePages_UseNoOtherOrigin()
    {
        using var anonymous = fixture.Server.CreateClient(null);
        var index = await anonymous.GetStringAsync(new Uri("/console/", UriKind.Relative));
        Assert.DoesNotContain("http://", index, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_WithoutProvider_OffersPastedTokensOnly()
    {
        using var anonymous = fixture.Server.CreateClient(null);
        var config = (await anonymous.GetFromJsonAsync<JsonObject>(new Uri("/console/config.json", UriKind.Relative)))!;

        Assert.Null(config["provider"]);
        Assert.False((bool)config["developmentTokens"]!); // the test server runs as "Testing", not Development
    }

    [Theory]
    [InlineData("http://login.example.com/")]
    [InlineData("https://login.example.com/?tenant=1")]
    [InlineData("https://user:pw@login.example.com/")]
    [InlineData("not a url")]
    public void Options_AuthorityNotHttpsOrWithExtras_IsRejected(string authority)
    {
        var options = new ConsoleOptions { Authority = authority, ClientId = "console" };
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToArray();
        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(ConsoleOptions.Authority)));
    }

    [Theory]
    [InlineData("https://login.example.com/realms/tasks", "https://login.example.com")]
    [InlineData("http://127.0.0.1:8080/", "http://127.0.0.1:8080")]
    public void Options_HttpsOrLoopbackAuthority_IsAcceptedAndItsOriginAllowed(string authority, string origin)
    {
        var options = new ConsoleOptions { Authority = authority, ClientId = "console" };
        Assert.Empty(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
        Assert.True(options.SignsInWithProvider);
        Assert.Equal(origin, options.AuthorityOrigin);
    }
}
