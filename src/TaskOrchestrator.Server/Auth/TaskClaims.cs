using System.Security.Claims;

namespace TaskOrchestrator.Server.Auth;

/// <summary>Who is calling: the token's subject owns what it creates; the admin role sees everything.</summary>
public static class TaskClaims
{
    /// <summary>The subject claim.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The role claim (<c>dotnet user-jwts --role</c> issues it).</summary>
    public const string RoleClaim = "role";

    /// <summary>
    /// Optional: space-separated host patterns (as <c>TaskOrchestrator:Delivery:Aws:AllowedHosts</c> takes them) that
    /// narrow, for this caller, the hosts its tasks may have signed with AWS SigV4; it never widens the service's list.
    /// </summary>
    public const string AwsHostsClaim = "aws_hosts";

    /// <summary>The role that sees and manages every owner's tasks.</summary>
    public const string AdminRole = "admin";

    /// <summary>The caller's subject. The task-owner policy guarantees there is one.</summary>
    public static string Subject(this ClaimsPrincipal user) =>
        user.FindFirstValue(SubjectClaim) ?? throw new InvalidOperationException("The caller has no subject claim.");

    /// <summary>
    /// The host patterns of the caller's <see cref="AwsHostsClaim"/> claims (each value split on spaces), or null when it
    /// has none: then only the service's allowlist applies. A claim with no pattern allows no host.
    /// </summary>
    public static IReadOnlyList<string>? AwsHosts(this ClaimsPrincipal user)
    {
        var claims = user.FindAll(AwsHostsClaim).ToArray();
        return claims.Length == 0 ? null : [.. claims.SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }

    /// <summary>True when the caller has the admin role (claim <c>role</c> or <c>roles</c>).</summary>
    public static bool IsAdmin(this ClaimsPrincipal user) =>
        user.HasClaim(c => c.Type is RoleClaim or "roles" && c.Value == AdminRole);

    /// <summary>True when the caller may see a resource owned by <paramref name="owner"/>.</summary>
    public static bool CanSee(this ClaimsPrincipal user, string owner) => user.IsAdmin() || user.Subject() == owner;
}
