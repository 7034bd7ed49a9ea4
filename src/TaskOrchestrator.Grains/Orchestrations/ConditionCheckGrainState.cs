namespace TaskOrchestrator.Orchestrations;

/// <summary>The persisted state of a <see cref="ConditionCheckGrain"/>.</summary>
[GenerateSerializer, Alias("TaskOrchestrator.ConditionCheckGrainState")]
public sealed class ConditionCheckGrainState
{
    /// <summary>What the check was asked to do; null until started.</summary>
    [Id(0)] public ConditionCheckRequest? Request { get; set; }

    /// <summary>Where the check is.</summary>
    [Id(1)] public ConditionCheckStatus Status { get; set; }

    /// <summary>The attempts that finished, in order.</summary>
    [Id(2)] public List<ConditionCheckAttempt> Attempts { get; set; } = [];

    /// <summary>The task of the attempt in progress, minted (and stored) before it is scheduled; null once the check ended.</summary>
    [Id(3)] public Guid? AttemptTaskId { get; set; }

    /// <summary>When the attempt in progress is due.</summary>
    [Id(4)] public DateTimeOffset AttemptDueAt { get; set; }
}
