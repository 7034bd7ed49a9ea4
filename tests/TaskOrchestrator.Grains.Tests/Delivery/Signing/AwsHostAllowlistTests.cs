using Microsoft.Extensions.Options;
using TaskOrchestrator.Delivery.Signing;

namespace TaskOrchestrator.Grains.Tests.Delivery.Signing;

public sealed class AwsHostAllowlistTests
{
    [Theory]
    [InlineData("*.lambda-url.eu-west-1.on.aws", "abc123.lambda-url.eu-west-1.on.aws", true)]
    [InlineData("*.lambda-url.eu-west-1.on.aws", "a.b.lambda-url.eu-west-1.on.aws", true)]
    [InlineData("*.lambda-url.eu-west-1.on.aws", "lambda-url.eu-west-1.on.aws", false)]
    [InlineData("*.lambda-url.eu-west-1.on.aws", "abc.lambda-url.eu-west-1.on.aws.evil.example", false)]
    [InlineData("*.lambda-url.eu-west-1.on.aws", "abclambda-url.eu-west-1.on.aws", false)]
    [InlineData("*.lambda-url.eu-west-1.on.aws", "abc.lambda-url.us-east-1.on.aws", false)]
    [InlineData("*.LAMBDA-URL.eu-west-1.on.aws.", "abc.lambda-url.eu-west-1.on.aws", true)]
    [InlineData("api.example.com", "api.example.com", true)]
    [InlineData("api.example.com", "x.api.example.com", false)]
    [InlineData("[::1]", "::1", true)]
    public void Matches_Pattern_MatchesExactlyTheDocumentedHosts(string pattern, string host, bool expected) =>
        Assert.Equal(expected, AwsHostAllowlist.Matches(pattern, host));

    [Theory]
    [InlineData("https://ABC.lambda-url.eu-west-1.on.aws./x", "abc.lambda-url.eu-west-1.on.aws")]
    [InlineData("https://user:pw@abc.lambda-url.eu-west-1.on.aws:8443/x?y#z", "abc.lambda-url.eu-west-1.on.aws")]
    [InlineData("https://bücher.example/", "xn--bcher-kva.example")]
    [InlineData("http://[::1]:8080/", "::1")]
    public void HostOf_Url_IsTheAsciiLowerCaseHost(string url, string expected) =>
        Assert.Equal(expected, AwsHostAllowlist.HostOf(new Uri(url)));

    [Theory]
    [InlineData("*.lambda-url.eu-west-1.on.aws", true)]
    [InlineData("abc.lambda-url.eu-west-1.on.aws", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("[::1]", true)]
    [InlineData("*", false)]
    [InlineData("*.", false)]
    [InlineData("a.*.on.aws", false)]
    [InlineData("https://abc.on.aws", false)]
    [InlineData("abc.on.aws:443", false)]
    [InlineData("abc.on.aws/path", false)]
    [InlineData("bücher.example", false)]
    [InlineData("", false)]
    public void IsPattern_Value_AcceptsHostsAndLeadingWildcardsOnly(string value, bool expected) =>
        Assert.Equal(expected, AwsHostAllowlist.IsPattern(value));

    [Fact]
    public void Patterns_RegionWithoutList_AreTheRegionsFunctionUrls()
    {
        var allowlist = Allowlist(new AwsSigningOptions { Region = "eu-west-1" });

        Assert.Equal(["*.lambda-url.eu-west-1.on.aws"], allowlist.Patterns);
        Assert.Null(allowlist.Refusal(new Uri("https://abc.lambda-url.eu-west-1.on.aws/")));
    }

    [Fact]
    public void Refusal_AwsApiHost_IsRefusedByDefault()
    {
        var allowlist = Allowlist(new AwsSigningOptions { Region = "us-east-1" });

        Assert.Equal(
            "AWS SigV4 signing is not allowed for lambda.us-east-1.amazonaws.com: the service signs only for hosts matching " +
            "TaskOrchestrator:Delivery:Aws:AllowedHosts (*.lambda-url.us-east-1.on.aws).",
            allowlist.Refusal(new Uri("https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/")));
    }

    [Fact]
    public void Refusal_NoRegion_RefusesEveryHostSayingHowToConfigure()
    {
        var allowlist = Allowlist(new AwsSigningOptions { AllowedHosts = ["*.lambda-url.eu-west-1.on.aws"] });

        Assert.Empty(allowlist.Patterns);
        var refusal = allowlist.Refusal(new Uri("https://abc.lambda-url.eu-west-1.on.aws/"));
        Assert.NotNull(refusal);
        Assert.Contains("Set TaskOrchestrator:Delivery:Aws:Region", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_ListGiven_ReplacesTheDefault()
    {
        var allowlist = Allowlist(new AwsSigningOptions { Region = "eu-west-1", AllowedHosts = ["api.example.com"] });

        Assert.Null(allowlist.Refusal(new Uri("https://api.example.com/x")));
        Assert.NotNull(allowlist.Refusal(new Uri("https://abc.lambda-url.eu-west-1.on.aws/")));
    }

    [Fact]
    public void Refusal_OwnerPatterns_AreIntersectedWithTheList()
    {
        var allowlist = Allowlist(new AwsSigningOptions { Region = "eu-west-1" });
        string[] owner = ["mine.lambda-url.eu-west-1.on.aws", "*.example.com"];

        Assert.Null(allowlist.Refusal(new Uri("https://mine.lambda-url.eu-west-1.on.aws/"), owner));
        Assert.Equal(
            "AWS SigV4 signing is not allowed for theirs.lambda-url.eu-west-1.on.aws: your token's aws_hosts claim allows only mine.lambda-url.eu-west-1.on.aws, *.example.com.",
            allowlist.Refusal(new Uri("https://theirs.lambda-url.eu-west-1.on.aws/"), owner));
        // On the owner's list but not on the service's: still refused.
        Assert.NotNull(allowlist.Refusal(new Uri("https://api.example.com/"), owner));
        Assert.NotNull(allowlist.Refusal(new Uri("https://mine.lambda-url.eu-west-1.on.aws/"), []));
    }

    private static AwsHostAllowlist Allowlist(AwsSigningOptions options) => new(Options.Create(options));
}
