namespace TaskOrchestrator.Server.Endpoints.Tasks;

/// <summary>The HTTP methods a task, step or check may call with, given in any case and stored in upper case.</summary>
internal static class CallMethods
{
    /// <summary>Every method allowed, upper case.</summary>
    public static readonly HashSet<string> Allowed = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// <summary>True when <paramref name="method"/> (in any case) is one of <see cref="Allowed"/>.</summary>
    public static bool IsAllowed(string method) => Allowed.Contains(method.ToUpperInvariant());

    /// <summary>The method as the grain contracts hold it (upper case): <paramref name="method"/>, or <paramref name="whenNone"/> when none was given.</summary>
    public static string Normalize(string? method, string whenNone) => method?.ToUpperInvariant() ?? whenNone;
}
