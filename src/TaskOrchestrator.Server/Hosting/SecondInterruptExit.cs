using System.Runtime.InteropServices;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>
/// A second Ctrl+C ends the process at once. The first one starts the orderly shutdown (the console lifetime handles
/// it, and would swallow every later one); one that comes while that shutdown runs exits with code 130, as a process
/// ended by SIGINT does, taking along what is set to die with the process (the development Azurite).
/// </summary>
internal sealed partial class SecondInterruptExit(IHostApplicationLifetime lifetime, ILogger<SecondInterruptExit> logger)
    : IHostedService, IDisposable
{
    private const int InterruptedExitCode = 130;

    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Signal handlers run newest first, and the first that cancels ends the round. The host registers the console
        // lifetime's before it starts hosted services, so this one sees every SIGINT, and lets the first one through.
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);
        return Task.CompletedTask;
    }

    // Kept until the host is disposed: the second Ctrl+C is the one that comes while the host stops.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration?.Dispose();

    private void OnInterrupt(PosixSignalContext context)
    {
        if (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        LogExiting(logger);
        Environment.Exit(InterruptedExitCode);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted again while shutting down: exiting now, without waiting for the shutdown to finish.")]
    private static partial void LogExiting(ILogger logger);
}
