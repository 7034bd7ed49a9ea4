using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Server.WebConsole;

/// <summary>
/// The task console at <c>/console/</c>. Section <c>TaskOrchestrator:Console</c>. It signs people in with a pasted bearer
/// token, or, given an <see cref="Authority"/> and a <see cref="ClientId"/>, at that OpenID Connect provider
/// (authorization code with PKCE): the access token it gets is then sent to the API like any other, so the provider must
/// issue tokens this service accepts (<c>Authentication:Schemes:Bearer</c>).
/// </summary>
public sealed class ConsoleOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Console";

    /// <summary>Whether <c>/console/</c> is served. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The OpenID Connect provider people sign in at: an absolute https URL (http only on a loopback address) whose
    /// <c>/.well-known/openid-configuration</c> the browser reads. Default: <c>Authentication:Schemes:Bearer:Authority</c>,
    /// the authority whose tokens the API accepts.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>
    /// The console's client id at that provider, registered as a public client (no secret) with
    /// <c>{this service}/console/</c> as its redirect URI. None by default, which leaves sign-in to pasted tokens.
    /// </summary>
    [MaxLength(256)]
    public string? ClientId { get; set; }

    /// <summary>The scopes asked for, space-separated: <c>openid</c> and whatever makes the provider issue an access token for this API. Default <c>openid</c>.</summary>
    [Required, MaxLength(1024)]
    public string Scope { get; set; } = "openid";

    /// <summary>True when people sign in at the provider: an authority and a client id are configured.</summary>
    public bool SignsInWithProvider => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>The origin (scheme, host and port) of <see cref="Authority"/>, which the console's pages may fetch from.</summary>
    public string? AuthorityOrigin => SignsInWithProvider && Uri.TryCreate(Authority, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Authority))
        {
            yield break;
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            yield return new ValidationResult(
                $"{nameof(Authority)} must be an absolute https URL without query, fragment or user info (http only on a loopback address); it is '{Authority}'.",
                [nameof(Authority)]);
        }
    }
}
