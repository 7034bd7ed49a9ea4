using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Hosting;

/// <summary>
/// Gives the <see cref="TaskIdMinter"/> the deployment's shared id key from storage before the node serves, so that ids
/// minted by any node are recognised by every other. Storage unreachable at start: the node serves anyway with its own
/// key (its ids then cost one storage read when another node checks them) and keeps trying in the background.
/// </summary>
internal sealed partial class IdKeyLoader(AzureTaskStorage store, TaskIdMinter minter, TimeProvider time, ILogger<IdKeyLoader> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(StartBudget);
        if (await TryLoadAsync(budget.Token))
        {
            return;
        }

        _background = KeepTryingAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _background.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task KeepTryingAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && !await TryLoadAsync(cancellationToken))
        {
            await Task.Delay(RetryDelay, time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<bool> TryLoadAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                minter.UseKey(await store.ReadOrCreateIdKeyAsync(cancellationToken));
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogNotLoaded(e);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Could not read the shared id key from storage; retrying")]
    private partial void LogNotLoaded(Exception exception);
}
