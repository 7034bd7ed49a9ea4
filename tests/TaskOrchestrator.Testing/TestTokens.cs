using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TaskOrchestrator.Testing;

/// <summary>Real signed JWTs for tests, and the server settings that make a server trust them.</summary>
public static class TestTokens
{
    /// <summary>The issuer the test server trusts.</summary>
    public const string Issuer = "task-orchestrator-tests";

    /// <summary>The audience the test server expects.</summary>
    public const string Audience = "task-orchestrator-api";

    private static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The settings that let a server call targets on loopback (<see cref="RecordingTarget"/>), which its network policy blocks by default.</summary>
    public static IReadOnlyDictionary<string, string> LoopbackTargets { get; } = new Dictionary<string, string>
    {
        ["TaskOrchestrator:Delivery:Network:AllowedNetworks:0"] = "127.0.0.0/8",
        ["TaskOrchestrator:Delivery:Network:AllowedNetworks:1"] = "::1/128",
    };

    /// <summary>
    /// Configuration every test server starts from: it accepts tokens from <see cref="Create"/> and may call targets on
    /// loopback (<see cref="LoopbackTargets"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> ServerSettings { get; } = new Dictionary<string, string>(LoopbackTargets)
    {
        ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
        ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(SigningKey),
    };

    /// <summary>
    /// A token for <paramref name="subject"/>; optionally with roles, other claims (name and value), another expiry, or
    /// signed with another key.
    /// </summary>
    public static string Create(
        string? subject, string[]? roles = null, DateTime? expires = null, byte[]? signingKey = null, IReadOnlyDictionary<string, string>? claims = null)
    {
        var all = new List<Claim>();
        if (subject is not null)
        {
            all.Add(new Claim("sub", subject));
        }

        all.AddRange((roles ?? []).Select(r => new Claim("role", r)));
        all.AddRange((claims ?? new Dictionary<string, string>()).Select(c => new Claim(c.Key, c.Value)));
        var expiry = expires ?? DateTime.UtcNow.AddHours(1);
        var issued = (expiry < DateTime.UtcNow ? expiry : DateTime.UtcNow).AddHours(-1);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(all),
            NotBefore = issued,
            IssuedAt = issued,
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(signingKey ?? SigningKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
