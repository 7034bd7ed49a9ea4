using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using TaskOrchestrator.Hosting;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Hosting;

/// <summary>
/// The Orleans settings that bound what a silo keeps per finished task: at 400 tasks/s the heap grew by about 1.2 KiB
/// per task run, ~1 KiB of it deleted reminders kept until the next reminder refresh, ~0.3 KiB a directory cache entry.
/// </summary>
public sealed class SiloMemoryOptionsTests
{
    [Fact]
    public void ReminderOptions_RefreshPeriod_FollowsTheSchedulingOption()
    {
        using var host = BuildSilo(new() { ["TaskOrchestrator:Scheduling:ReminderRefreshPeriod"] = "00:02:00" });

        var reminders = host.Services.GetRequiredService<IOptions<ReminderOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(2), reminders.RefreshReminderListPeriod);
        Assert.Equal(TimeSpan.FromSeconds(1), reminders.MinimumReminderPeriod);
    }

    [Fact]
    public void ReminderOptions_RefreshPeriodNotConfigured_IsTheOrleansDefault()
    {
        using var host = BuildSilo([]);

        var reminders = host.Services.GetRequiredService<IOptions<ReminderOptions>>().Value;

        Assert.Equal(new ReminderOptions().RefreshReminderListPeriod, reminders.RefreshReminderListPeriod);
        Assert.Equal(new TaskSchedulingOptions().ReminderRefreshPeriod, reminders.RefreshReminderListPeriod);
    }

    [Fact]
    public void GrainDirectoryOptions_CacheSize_IsBounded()
    {
        using var host = BuildSilo([]);

        var directory = host.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;

        Assert.Equal(TaskOrchestratorSiloExtensions.DirectoryCacheSize, directory.CacheSize);
        Assert.True(directory.CacheSize < GrainDirectoryOptions.DEFAULT_CACHE_SIZE);
    }

    [Theory]
    [InlineData("00:00:09")]
    [InlineData("01:00:01")]
    public void TaskSchedulingOptions_ReminderRefreshPeriodOutOfRange_IsRejected(string period)
    {
        var options = new TaskSchedulingOptions { ReminderRefreshPeriod = TimeSpan.Parse(period, CultureInfo.InvariantCulture) };

        var errors = new List<ValidationResult>();
        var valid = Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(TaskSchedulingOptions.ReminderRefreshPeriod)));
    }

    // Built, never started: the options are what the silo would run with.
    private static IHost BuildSilo(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.AddTaskOrchestratorGrains().UseLocalhostClustering().UseInMemoryReminderService());
        return builder.Build();
    }
}
