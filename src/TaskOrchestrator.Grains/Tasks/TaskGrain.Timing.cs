using TaskOrchestrator.Tasks.Lifecycle;

namespace TaskOrchestrator.Tasks;

/// <summary>The timer of <see cref="TaskGrain"/>.</summary>
public sealed partial class TaskGrain
{
    /// <summary>Arms or disarms the timer as <paramref name="decision"/> says; true when a timer is armed (the task is near).</summary>
    private bool ApplyTimer(TaskDecision decision)
    {
        switch (decision)
        {
            case TaskDecision.Arm arm:
                DisposeTimer();
                _timer = this.RegisterGrainTimer(
                    OnTimerAsync,
                    new GrainTimerCreationOptions(arm.After, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
                return true;
            case TaskDecision.LetGo:
                DisposeTimer();
                return false;
            default:
                return _timer is not null;
        }
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        switch (_task.OnTimer())
        {
            case TaskDecision.MakeCall call:
                DisposeTimer();
                await RunAttemptAsync(call);
                break;
            case var decision:
                // Much earlier than the dispatch lead allows (rescheduled meanwhile, or fired early): armed again.
                ApplyTimer(decision);
                break;
        }
    }

    private void DisposeTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
