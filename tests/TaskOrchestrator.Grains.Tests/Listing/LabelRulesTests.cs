using TaskOrchestrator.Labels;
using TaskOrchestrator.Listing;

namespace TaskOrchestrator.Grains.Tests.Listing;

/// <summary>The rules of labels (<see cref="LabelSet"/>) and the names of their listing rows (<see cref="LabelRows"/>).</summary>
public sealed class LabelRulesTests
{
    [Theory]
    [InlineData("team", true)]
    [InlineData("a", true)]
    [InlineData("app.kubernetes.io/name", true)]
    [InlineData("x_y-z", true)]
    [InlineData("9lives", true)]
    [InlineData("", false)]
    [InlineData("-lead", false)]
    [InlineData(".lead", false)]
    [InlineData("with space", false)]
    [InlineData("colon:key", false)]
    [InlineData("ünï", false)]
    public void IsValidKey_Examples_AsDocumented(string key, bool valid) => Assert.Equal(valid, LabelSet.IsValidKey(key));

    [Fact]
    public void IsValidKey_Lengths_OneToSixtyFour()
    {
        Assert.True(LabelSet.IsValidKey(new string('k', 64)));
        Assert.False(LabelSet.IsValidKey(new string('k', 65)));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("billing: EU / prod #1?", true)]
    [InlineData("ünïcode 😀", true)]
    [InlineData("tab\there", false)]
    [InlineData("line\nfeed", false)]
    public void IsValidValue_Examples_AsDocumented(string value, bool valid) => Assert.Equal(valid, LabelSet.IsValidValue(value));

    [Fact]
    public void IsValidValue_BrokenSurrogatePairs_Refused()
    {
        // Built in code: attribute arguments are stored as UTF-8, which cannot hold half a pair.
        Assert.False(LabelSet.IsValidValue(new string('\ud800', 1)));
        Assert.False(LabelSet.IsValidValue("x" + new string('\udc00', 1)));
        Assert.False(LabelSet.IsValidValue(new string(['\udc00', '\ud800'])));
        Assert.True(LabelSet.IsValidValue(new string(['\ud83d', '\ude00'])));
    }

    [Fact]
    public void IsValidValue_Lengths_UpToTwoHundredFiftySix()
    {
        Assert.True(LabelSet.IsValidValue(new string('v', 256)));
        Assert.False(LabelSet.IsValidValue(new string('v', 257)));
        Assert.False(LabelSet.IsValidValue(null));
    }

    [Fact]
    public void Matches_EveryPairOfTheFilter_ExactValues()
    {
        var labels = new Dictionary<string, string> { ["team"] = "billing", ["env"] = "prod" };
        Assert.True(LabelSet.Matches(labels, [new("team", "billing")]));
        Assert.True(LabelSet.Matches(labels, [new("team", "billing"), new("env", "prod")]));
        Assert.False(LabelSet.Matches(labels, [new("team", "billing"), new("env", "dev")]));
        Assert.False(LabelSet.Matches(labels, [new("team", "Billing")]));
        Assert.False(LabelSet.Matches(null, [new("team", "billing")]));
        Assert.True(LabelSet.Matches(null, null));
    }

    [Fact]
    public void LabelDigest_FixedLengthHexAndKeyValueSplitMatters()
    {
        var digest = ListingKeys.LabelDigest("team", "billing");
        Assert.Equal(32, digest.Length);
        Assert.True(digest.All(Uri.IsHexDigit));
        Assert.Equal(digest, ListingKeys.LabelDigest("team", "billing"));
        Assert.NotEqual(ListingKeys.LabelDigest("a", "b.c"), ListingKeys.LabelDigest("a.b", "c"));
        Assert.NotEqual(digest, ListingKeys.LabelDigest("team", "billing "));

        // A value may hold the characters a row key may not: the digest never does.
        Assert.DoesNotContain(ListingKeys.LabelDigest("k", "/\\#?"), c => c is '/' or '\\' or '#' or '?');
    }

    [Fact]
    public void For_LabelsChanged_CurrentAreTheNewAndStaleTheRecordedOnesNoLongerCarried()
    {
        var old = new Dictionary<string, string> { ["team"] = "billing", ["env"] = "prod" };
        var now = new Dictionary<string, string> { ["team"] = "search", ["env"] = "prod" };

        var rows = LabelRows.For(now, LabelRows.Digests(old));

        Assert.Equal(LabelRows.Digests(now), rows.Current);
        Assert.Equal([ListingKeys.LabelDigest("team", "billing")], rows.Stale);
        Assert.Equal(LabelRows.None, LabelRows.For(null, null));
        Assert.Equal(LabelRows.Digests(old), LabelRows.For(null, LabelRows.Digests(old)).Stale);
    }
}
