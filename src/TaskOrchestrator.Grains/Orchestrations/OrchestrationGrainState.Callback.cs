using TaskOrchestrator.Callbacks;

namespace TaskOrchestrator.Orchestrations;

/// <summary>The completion callback's part of <see cref="OrchestrationGrainState"/>.</summary>
public sealed partial class OrchestrationGrainState
{
    /// <summary>
    /// The delivery of the completion callback of the latest ending (stored by the same write as that ending); null until
    /// it ends in a way its callback reports, and again once a retry resumes it.
    /// </summary>
    [Id(30)] public CallbackDelivery? Callback { get; set; }

    /// <summary>How many times a retry resumed it (uncapped, unlike <see cref="PreviousRuns"/>): each ending's callback is told apart by it.</summary>
    [Id(31)] public int Retries { get; set; }
}
