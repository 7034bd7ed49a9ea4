namespace TaskOrchestrator.Server.WebConsole;

/// <summary>The body of <c>GET /console/config.json</c>: what the console's sign-in page offers. Nothing in it is secret.</summary>
/// <param name="Provider">The OpenID Connect provider to sign in at, when one is configured.</param>
/// <param name="DevelopmentTokens">True in Development, where <c>dotnet user-jwts create</c> makes tokens this server accepts.</param>
/// <param name="Dashboard">Where the Orleans Dashboard is served, when it is.</param>
internal sealed record ConsoleConfigResource(ConsoleConfigResource.SignInProvider? Provider, bool DevelopmentTokens, string? Dashboard)
{
    /// <summary>An OpenID Connect provider and the console's public client there.</summary>
    /// <param name="Authority">The provider's URL (its discovery document is under it).</param>
    /// <param name="ClientId">The console's client id.</param>
    /// <param name="Scope">The scopes to ask for.</param>
    internal sealed record SignInProvider(string Authority, string ClientId, string Scope);
}
