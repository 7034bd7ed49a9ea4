using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>The API's names of the ways a call authenticates to its target (<c>authentication</c>), either case accepted.</summary>
internal static class AuthenticationNames
{
    /// <summary>Every name, as the API spells them.</summary>
    public static readonly string[] All = ["none", "awsSigV4"];

    /// <summary>The authentication <paramref name="name"/> stands for; false when it is not one of <see cref="All"/>.</summary>
    public static bool TryParse(string name, out TargetAuthentication authentication)
    {
        var isAws = string.Equals(name, "awsSigV4", StringComparison.OrdinalIgnoreCase);
        authentication = isAws ? TargetAuthentication.AwsSigV4 : TargetAuthentication.None;
        return isAws || string.Equals(name, "none", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The API's name of <paramref name="authentication"/>.</summary>
    public static string NameOf(TargetAuthentication authentication) => authentication == TargetAuthentication.AwsSigV4 ? "awsSigV4" : "none";
}
