using System.ComponentModel.DataAnnotations;
using Orleans.Configuration;

namespace TaskOrchestrator.Hosting;

/// <summary>
/// How fast the cluster declares a silo dead (Orleans' <see cref="ClusterMembershipOptions"/>). Section
/// <c>TaskOrchestrator:Cluster:FailureDetection</c>. Every setting left out keeps the Orleans default, given on each
/// property: a silo killed without warning is then declared dead after about 10-15 s, and only then do the
/// survivors take over its tasks. Shorter timeouts detect sooner but declare a busy or briefly paused silo dead too.
/// All silos of a cluster should use the same values.
/// </summary>
public sealed class FailureDetectionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Cluster:FailureDetection";

    /// <summary>How long a silo waits for a peer's answer to a liveness probe. Orleans default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan? ProbeTimeout { get; set; }

    /// <summary>How many probes in a row a peer may miss before this silo votes it dead. Orleans default 3.</summary>
    [Range(1, 100)]
    public int? NumMissedProbesLimit { get; set; }

    /// <summary>How many silos' votes declare a silo dead (capped by the number of live silos). Orleans default 2.</summary>
    [Range(1, 100)]
    public int? NumVotesForDeathDeclaration { get; set; }

    /// <summary>How long a death vote counts. Orleans default 2 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan? DeathVoteExpirationTimeout { get; set; }

    /// <summary>How often each silo re-reads the membership table (besides gossip). Orleans default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan? TableRefreshTimeout { get; set; }

    /// <summary>How often each silo writes its "I am alive" time to the membership table. Orleans default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan? IAmAliveTablePublishTimeout { get; set; }

    /// <summary>Copies the settings that are given onto <paramref name="membership"/>; the others keep their Orleans defaults.</summary>
    public void ApplyTo(ClusterMembershipOptions membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        membership.ProbeTimeout = ProbeTimeout ?? membership.ProbeTimeout;
        membership.NumMissedProbesLimit = NumMissedProbesLimit ?? membership.NumMissedProbesLimit;
        membership.NumVotesForDeathDeclaration = NumVotesForDeathDeclaration ?? membership.NumVotesForDeathDeclaration;
        membership.DeathVoteExpirationTimeout = DeathVoteExpirationTimeout ?? membership.DeathVoteExpirationTimeout;
        membership.TableRefreshTimeout = TableRefreshTimeout ?? membership.TableRefreshTimeout;
        membership.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout ?? membership.IAmAliveTablePublishTimeout;
    }
}
