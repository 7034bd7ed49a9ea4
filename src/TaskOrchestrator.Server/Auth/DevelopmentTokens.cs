using System.Reflection;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace TaskOrchestrator.Server.Auth;

/// <summary>
/// Lets a running Development server accept tokens from <c>dotnet user-jwts create</c>, whose first run adds the
/// signing key to user secrets after the server has started. The secrets file is watched, which needs its folder
/// to exist when the server starts.
/// </summary>
internal static class DevelopmentTokens
{
    public static void WatchUserSecrets(WebApplicationBuilder builder)
    {
        var id = Assembly.GetEntryAssembly()?.GetCustomAttribute<UserSecretsIdAttribute>()?.UserSecretsId;
        if (!builder.Environment.IsDevelopment() || id is null)
        {
            return;
        }

        var path = PathHelper.GetSecretsPathFromSecretsId(id);
        if (!Directory.Exists(Path.GetDirectoryName(path)))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.Configuration.AddJsonFile(path, optional: true, reloadOnChange: true);
        }
    }
}
