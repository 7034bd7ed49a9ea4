using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Server.Dashboard;

/// <summary>
/// HTTP Basic authentication against the one configured dashboard account. Browsers ask for it themselves and resend
/// it with every request under <c>/dashboard</c>, including the dashboard page's own API calls, which carry no bearer token.
/// </summary>
internal sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<DashboardAccessOptions> access,
    DashboardLoginThrottle throttle,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Realm = "Orleans Dashboard";

    // Set when this request's client has failed too often: it is answered 429 instead of being challenged.
    private TimeSpan? _blockedFor;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Checked before the password, so that a client that keeps guessing learns nothing more.
        var client = Context.Connection.RemoteIpAddress;
        if (throttle.BlockedFor(client) is { } wait)
        {
            _blockedFor = wait;
            return Task.FromResult(AuthenticateResult.Fail("Too many failed dashboard logins from this client."));
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            throttle.Failed(client);
            return Task.FromResult(AuthenticateResult.Fail("The Basic credentials are not valid base64."));
        }

        var account = access.Value;
        var separator = credentials.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0 || !account.Enabled || !Matches(credentials, $"{account.Username}:{account.Password}"))
        {
            throttle.Failed(client);
            return Task.FromResult(AuthenticateResult.Fail("Wrong dashboard user name or password."));
        }

        throttle.Succeeded(client);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, credentials[..separator])], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_blockedFor is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = Context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many failed logins",
                    Detail = string.Create(
                        CultureInfo.InvariantCulture,
                        $"This client failed to log in to the dashboard {access.Value.MaxFailedLogins} times within {access.Value.FailedLoginWindow.TotalSeconds:0} s; retry in {seconds} s."),
                },
            });
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = "The dashboard needs its user name and password (HTTP Basic authentication).",
            },
        });
    }

    // Hashing both sides first makes the comparison take the same time whatever the lengths and contents.
    private static bool Matches(string given, string expected) => CryptographicOperations.FixedTimeEquals(
        SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
