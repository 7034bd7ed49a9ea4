using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Server.Hosting;

/// <summary>
/// The console lifetime of .NET (SIGTERM, SIGQUIT or Ctrl+C stops the server in order; the same status lines), with what
/// Ctrl+C (SIGINT) does made explicit. The first one stops the server in order, but not before it has started: a start
/// cancelled half-way fails with an exception, so one that comes while the server starts stops it as soon as it is up.
/// A second one, or one while the server stops for another reason, ends the process at once with code 130, as SIGINT's
/// default does, taking along what is set to die with the process (the development Azurite).
/// </summary>
/// <remarks>
/// It replaces <c>ConsoleLifetime</c> rather than adding to it: in .NET 10 every handler of a signal runs, whichever
/// cancels it, and the console lifetime's would stop the server on every Ctrl+C, while it starts too.
/// </remarks>
internal sealed partial class CtrlCLifetime(
    IHostApplicationLifetime lifetime, IHostEnvironment environment, IOptions<ConsoleLifetimeOptions> options, ILoggerFactory loggerFactory)
    : IHostLifetime, IDisposable
{
    private const int InterruptedExitCode = 130;

    private readonly ILogger _statusLogger = loggerFactory.CreateLogger("Microsoft.Hosting.Lifetime");
    private readonly ILogger _logger = loggerFactory.CreateLogger<CtrlCLifetime>();
    private readonly List<IDisposable> _registrations = [];
    private CancellationTokenRegistration _stopOnceStarted;
    private int _interrupts;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SuppressStatusMessages)
        {
            _registrations.Add(lifetime.ApplicationStarted.Register(() =>
            {
                LogStarted(_statusLogger);
                LogEnvironment(_statusLogger, environment.EnvironmentName);
                LogContentRoot(_statusLogger, environment.ContentRootPath);
            }));
            _registrations.Add(lifetime.ApplicationStopping.Register(() => LogStopping(_statusLogger)));
        }

        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnTerminate));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _registrations.ForEach(r => r.Dispose());
        _stopOnceStarted.Dispose();
    }

    private void OnTerminate(PosixSignalContext context)
    {
        context.Cancel = true;
        lifetime.StopApplication();
    }

    private void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _interrupts) > 1 || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            LogExiting(_logger);
            Environment.Exit(InterruptedExitCode);
        }
        else if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            LogStoppingOnceStarted(_logger);
            // Off the callback: started callbacks run newest first, and the "Application started" lines come first.
            _stopOnceStarted = lifetime.ApplicationStarted.Register(() => Task.Run(lifetime.StopApplication));
        }
        else
        {
            lifetime.StopApplication();
        }
    }

    // The console lifetime's lines.
    [LoggerMessage(EventId = 0, Level = LogLevel.Information, Message = "Application started. Press Ctrl+C to shut down.")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Hosting environment: {EnvName}")]
    private static partial void LogEnvironment(ILogger logger, string envName);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Content root path: {ContentRoot}")]
    private static partial void LogContentRoot(ILogger logger, string contentRoot);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Application is shutting down...")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "Interrupted while starting: stopping as soon as the start completes (Ctrl+C again to exit now).")]
    private static partial void LogStoppingOnceStarted(ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Interrupted again: exiting now, without waiting for the shutdown to finish.")]
    private static partial void LogExiting(ILogger logger);
}
