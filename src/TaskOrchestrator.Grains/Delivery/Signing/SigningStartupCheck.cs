using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>Warns once at start when no signing key is configured, so unsigned calls do not go unnoticed.</summary>
internal sealed partial class SigningStartupCheck(IOptions<SigningOptions> options, ILogger<SigningStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Keys.Count == 0)
        {
            NoSigningKey(logger, SigningOptions.SectionName);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning,
        Message = "No signing key is configured ({Section}:Keys): calls to targets go out unsigned, so targets cannot verify that they come from this scheduler. Set a key in production.")]
    private static partial void NoSigningKey(ILogger logger, string section);
}
