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

    /// <summary>The longest subject accepted: it is stored as the owner of everything the caller creates.</summary>
    public const int MaxSubjectLength = 256;

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

    /// <summary>
    /// Why the token's subject cannot own anything (empty or whitespace, longer than <see cref="MaxSubjectLength"/>, or
    /// given more than once), or null when it can or when there is none (the routes' policies refuse that with 403).
    /// </summary>
    public static string? SubjectProblem(ClaimsPrincipal user)
    {
        var subjects = user.FindAll(SubjectClaim).Select(c => c.Value).Take(2).ToList();
        return subjects switch
        {
            [] => null,
            [_, _] => "the token has more than one subject ('sub') claim",
            [var subject] when string.IsNullOrWhiteSpace(subject) => "the token's subject ('sub') is empty",
            [{ Length: > MaxSubjectLength }] => $"the token's subject ('sub') is longer than {MaxSubjectLength} characters",
            _ => null,
        };
    }

    /// <summary>True when the caller has the admin role (claim <c>role</c> or <c>roles</c>).</summary>
    public static bool IsAdmin(this ClaimsPrincipal user) =>
        user.HasClaim(c => c.Type is RoleClaim or "roles" && c.Value == AdminRole);

    /// <summary>The owner the caller's commands are limited to: its subject, or null (every owner) for an admin.</summary>
    public static string? OwnerScope(this ClaimsPrincipal user) => user.IsAdmin() ? null : user.Subject();

    /// <summary>True when the caller may see a resource owned by <paramref name="owner"/>.</summary>
    public static bool CanSee(this ClaimsPrincipal user, string owner) => user.IsAdmin() || user.Subject() == owner;
}
