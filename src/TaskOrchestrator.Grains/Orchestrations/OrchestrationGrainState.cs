using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>
/// The persisted state of an <see cref="OrchestrationGrain"/>. <see cref="Steps"/> holds the steps whose turn came,
/// in order; the last one is the durable cursor. Every id a side effect uses is stored here before the side effect.
/// </summary>
[GenerateSerializer, Alias("TaskOrchestrator.OrchestrationGrainState")]
public sealed partial class OrchestrationGrainState
{
    /// <summary>What was asked (as last modified); null until created.</summary>
    [Id(0)] public OrchestrationDefinition? Definition { get; set; }

    /// <summary>Where the orchestration is in its life.</summary>
    [Id(1)] public OrchestrationStatus Status { get; set; }

    /// <summary>Why it failed; null unless Failed.</summary>
    [Id(2)] public OrchestrationFailureReason? FailureReason { get; set; }

    /// <summary>When it reached a final status.</summary>
    [Id(3)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The steps reached so far; never empty once created.</summary>
    [Id(4)] public List<OrchestrationStepState> Steps { get; set; } = [];

    /// <summary>The statuses whose listing rows may exist (see <see cref="Listing.StatusSet"/>); empty in state stored before they existed.</summary>
    [Id(5)] public Listing.StatusSet ListingStatuses { get; set; }

    /// <summary>The labels (digests, see <see cref="Listing.LabelRows"/>) whose listing rows may exist; null for none.</summary>
    [Id(11)] public List<string>? ListingLabels { get; set; }

    /// <summary>The failed runs retries resumed from, oldest first (the latest <see cref="MaxPreviousRuns"/>); null for none.</summary>
    [Id(12)] public List<OrchestrationPreviousRun>? PreviousRuns { get; set; }

    /// <summary>Once finished: when it is removed (see OrchestrationGrain.Retention.cs); null while not finished.</summary>
    [Id(40)] public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The condition checks of failed runs a retry left behind, removed with the orchestration; null for none.</summary>
    [Id(41)] public List<Guid>? RetiredCheckIds { get; set; }

    /// <summary>How many failed runs <see cref="PreviousRuns"/> keeps.</summary>
    public const int MaxPreviousRuns = 20;

    /// <summary>Keeps a failed run, dropping the oldest beyond <see cref="MaxPreviousRuns"/>.</summary>
    public void AddPreviousRun(OrchestrationPreviousRun run)
    {
        PreviousRuns ??= [];
        if (PreviousRuns.Count >= MaxPreviousRuns)
        {
            PreviousRuns.RemoveAt(0);
        }

        PreviousRuns.Add(run);
    }

    /// <summary>The step in progress (or the last one reached).</summary>
    public OrchestrationStepState Current => Steps[^1];

    /// <summary>The index of <see cref="Current"/>.</summary>
    public int CurrentIndex => Steps.Count - 1;

    /// <summary>True when nothing can change any more: a final status and no step or fallback call still in flight.</summary>
    public bool IsSettled => Status.IsFinal() && !AwaitsTask;

    /// <summary>True while the current step's task or fallback may still run or is running.</summary>
    public bool AwaitsTask =>
        Steps.Count > 0
        && ((Current.Status is OrchestrationStepStatus.Running or OrchestrationStepStatus.Cancelled && Current.TaskStatus?.IsFinal() != true)
            || (Current.FallbackTaskId is not null && Current.FallbackStatus?.IsFinal() != true));
}

/// <summary>The persisted progress of one step whose turn came.</summary>
[GenerateSerializer, Alias("TaskOrchestrator.OrchestrationStepState")]
public sealed class OrchestrationStepState
{
    /// <summary>Where the step is.</summary>
    [Id(0)] public OrchestrationStepStatus Status { get; set; } = OrchestrationStepStatus.Running;

    /// <summary>The step's task id, minted (and stored) before the task is scheduled.</summary>
    [Id(1)] public Guid TaskId { get; set; }

    /// <summary>When the step's task is due; scheduling again after a crash uses the same time.</summary>
    [Id(2)] public DateTimeOffset TaskDueAt { get; set; }

    /// <summary>The task's status once it finished (null while scheduled or running).</summary>
    [Id(3)] public ScheduledTaskStatus? TaskStatus { get; set; }

    /// <summary>The condition check grain's key, minted (and stored) before the check starts.</summary>
    [Id(4)] public Guid? CheckId { get; set; }

    /// <summary>When the check's first attempt is due.</summary>
    [Id(5)] public DateTimeOffset? CheckFirstAttemptAt { get; set; }

    /// <summary>The check's attempts, as of its end.</summary>
    [Id(6)] public List<ConditionCheckAttempt> CheckAttempts { get; set; } = [];

    /// <summary>The fallback task's id, minted (and stored) before it is scheduled.</summary>
    [Id(7)] public Guid? FallbackTaskId { get; set; }

    /// <summary>When the fallback task is due.</summary>
    [Id(8)] public DateTimeOffset? FallbackDueAt { get; set; }

    /// <summary>The fallback task's status once it finished.</summary>
    [Id(9)] public ScheduledTaskStatus? FallbackStatus { get; set; }
}
