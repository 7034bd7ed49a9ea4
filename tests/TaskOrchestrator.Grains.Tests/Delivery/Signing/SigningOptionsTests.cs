using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery.Signing;

namespace TaskOrchestrator.Grains.Tests.Delivery.Signing;

public sealed class SigningOptionsTests
{
    [Fact]
    public void Bind_TwoKeysOfAtLeast32Bytes_AreValid()
    {
        var options = Resolve(new()
        {
            ["TaskOrchestrator:Delivery:Signing:Keys:0"] = new string('a', 32),
            ["TaskOrchestrator:Delivery:Signing:Keys:1"] = new string('b', 40),
        });

        Assert.Equal([new string('a', 32), new string('b', 40)], options.Keys);
    }

    [Fact]
    public void Bind_NoKeys_IsValidAndEmpty()
    {
        Assert.Empty(Resolve([]).Keys);
    }

    [Fact]
    public void Bind_KeyShorterThan32Bytes_FailsNamingTheKeyNotItsValue()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["TaskOrchestrator:Delivery:Signing:Keys:0"] = new string('a', 32),
            ["TaskOrchestrator:Delivery:Signing:Keys:1"] = "short-secret",
        }));

        Assert.Contains("TaskOrchestrator:Delivery:Signing:Keys:1 is 12 bytes long", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_ThreeKeys_Fails()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["TaskOrchestrator:Delivery:Signing:Keys:0"] = new string('a', 32),
            ["TaskOrchestrator:Delivery:Signing:Keys:1"] = new string('b', 32),
            ["TaskOrchestrator:Delivery:Signing:Keys:2"] = new string('c', 32),
        }));

        Assert.Contains("at most 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_AwsAccessKeyWithoutSecret_Fails()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TaskOrchestrator:Delivery:Aws:AccessKeyId"] = "AKIAIOSFODNN7EXAMPLE",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddOptions<AwsSigningOptions>().BindConfiguration(AwsSigningOptions.SectionName).ValidateDataAnnotations().Services
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AwsSigningOptions>>().Value);

        Assert.Contains("set both AccessKeyId and SecretAccessKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_AwsAllowedHostWithScheme_FailsNamingTheEntry()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TaskOrchestrator:Delivery:Aws:Region"] = "eu-west-1",
            ["TaskOrchestrator:Delivery:Aws:AllowedHosts:0"] = "*.lambda-url.eu-west-1.on.aws",
            ["TaskOrchestrator:Delivery:Aws:AllowedHosts:1"] = "https://abc.lambda-url.eu-west-1.on.aws/",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddOptions<AwsSigningOptions>().BindConfiguration(AwsSigningOptions.SectionName).ValidateDataAnnotations().Services
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AwsSigningOptions>>().Value);

        Assert.Contains("TaskOrchestrator:Delivery:Aws:AllowedHosts:1 'https://abc.lambda-url.eu-west-1.on.aws/' is not a host pattern", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowedHosts:0", error.Message, StringComparison.Ordinal);
    }

    private static SigningOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddOptions<SigningOptions>().BindConfiguration(SigningOptions.SectionName).ValidateDataAnnotations().Services
            .BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SigningOptions>>().Value;
    }
}
