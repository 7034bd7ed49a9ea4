using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using TaskOrchestrator.Hosting;

namespace TaskOrchestrator.Grains.Tests.Hosting;

public sealed class FailureDetectionOptionsTests
{
    [Fact]
    public void ApplyTo_NothingConfigured_KeepsOrleansDefaults()
    {
        var membership = new ClusterMembershipOptions();

        Bind([]).ApplyTo(membership);

        var defaults = new ClusterMembershipOptions();
        Assert.Equal(defaults.ProbeTimeout, membership.ProbeTimeout);
        Assert.Equal(defaults.NumMissedProbesLimit, membership.NumMissedProbesLimit);
        Assert.Equal(defaults.NumVotesForDeathDeclaration, membership.NumVotesForDeathDeclaration);
        Assert.Equal(defaults.DeathVoteExpirationTimeout, membership.DeathVoteExpirationTimeout);
        Assert.Equal(defaults.TableRefreshTimeout, membership.TableRefreshTimeout);
        Assert.Equal(defaults.IAmAliveTablePublishTimeout, membership.IAmAliveTablePublishTimeout);
    }

    [Fact]
    public void ApplyTo_SomeConfigured_OverridesOnlyThose()
    {
        var membership = new ClusterMembershipOptions();

        Bind(new()
        {
            ["ProbeTimeout"] = "00:00:01",
            ["NumMissedProbesLimit"] = "2",
            ["TableRefreshTimeout"] = "00:00:02",
        }).ApplyTo(membership);

        Assert.Equal(TimeSpan.FromSeconds(1), membership.ProbeTimeout);
        Assert.Equal(2, membership.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(2), membership.TableRefreshTimeout);
        Assert.Equal(new ClusterMembershipOptions().IAmAliveTablePublishTimeout, membership.IAmAliveTablePublishTimeout);
        Assert.Equal(new ClusterMembershipOptions().NumVotesForDeathDeclaration, membership.NumVotesForDeathDeclaration);
    }

    private static FailureDetectionOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => $"{FailureDetectionOptions.SectionName}:{s.Key}", s => s.Value))
            .Build()
            .GetSection(FailureDetectionOptions.SectionName)
            .Get<FailureDetectionOptions>() ?? new FailureDetectionOptions();
}
