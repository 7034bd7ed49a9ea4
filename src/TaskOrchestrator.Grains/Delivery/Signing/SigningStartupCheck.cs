using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// Warns once at start when no signing key is configured, so unsigned calls do not go unnoticed, and when the unsafe
/// legacy <c>v1</c> signatures are on.
/// </summary>
internal sealed partial class SigningStartupCheck(IOptions<SigningOptions> options, ILogger<SigningStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Keys.Count == 0)
        {
            NoSigningKey(logger, SigningOptions.SectionName);
        }
        else if (options.Value.LegacyV1)
        {
            LegacyV1On(logger, SigningOptions.SectionName);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning,
        Message = "No signing key is configured ({Section}:Keys): calls to targets go out unsigned, so targets cannot verify that they come from this scheduler. Set a key in production.")]
    private static partial void NoSigningKey(ILogger logger, string section);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "{Section}:LegacyV1 is on: calls also carry v1 signatures made with the master keys, which do not cover the URL, method, task or owner. Every target that verifies v1 holds a master key and can forge calls to every other such target. Turn it off once targets verify v2.")]
    private static partial void LegacyV1On(ILogger logger, string section);
}
