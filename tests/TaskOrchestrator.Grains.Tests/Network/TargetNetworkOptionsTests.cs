using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Network;

namespace TaskOrchestrator.Grains.Tests.Network;

public sealed class TargetNetworkOptionsTests
{
    [Fact]
    public void Validate_NothingConfigured_AllowsNothing()
    {
        var options = Resolve([]);

        Assert.Empty(options.AllowedNetworks);
        Assert.Empty(options.AllowedHosts);
    }

    [Fact]
    public void Validate_NetworksAndHosts_Binds()
    {
        var options = Resolve(new()
        {
            ["AllowedNetworks:0"] = "127.0.0.0/8",
            ["AllowedNetworks:1"] = "::1/128",
            ["AllowedNetworks:2"] = "10.1.2.3",
            ["AllowedHosts:0"] = "localhost",
            ["AllowedHosts:1"] = "*.internal.example.com",
        });

        Assert.Equal(["127.0.0.0/8", "::1/128", "10.1.2.3"], options.AllowedNetworks);
        Assert.Equal(["localhost", "*.internal.example.com"], options.AllowedHosts);
    }

    [Theory]
    [InlineData("AllowedNetworks:0", "10.1.0.0/33", "AllowedNetworks:0 '10.1.0.0/33' is not a network in CIDR form")]
    [InlineData("AllowedNetworks:0", "10.1.0.1/16", "no bits set beyond the prefix length")]
    [InlineData("AllowedNetworks:0", "localhost", "is not a network in CIDR form")]
    [InlineData("AllowedHosts:0", "*", "AllowedHosts:0 '*' is not a host name")]
    [InlineData("AllowedHosts:0", "a.*.example.com", "is not a host name")]
    [InlineData("AllowedHosts:0", "http://localhost:80", "is not a host name")]
    public void Validate_InvalidEntry_FailsNamingIt(string key, string value, string expected)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    private static TargetNetworkOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => $"{TargetNetworkOptions.SectionName}:{s.Key}", s => s.Value))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<TargetNetworkOptions>().BindConfiguration(TargetNetworkOptions.SectionName).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TargetNetworkOptions>>().Value;
    }
}
