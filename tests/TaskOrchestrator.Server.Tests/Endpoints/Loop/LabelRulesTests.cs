using TaskOrchestrator.Server.Endpoints.Labels;

namespace TaskOrchestrator.Server.Tests.Endpoints.Loop;

/// <summary>How the gateway reads labels from bodies and <c>label=</c> parameters (<see cref="LabelRules"/>).</summary>
public sealed class LabelRulesTests
{
    [Fact]
    public void ParseFilter_ValueWithColons_SplitAtTheFirst()
    {
        var (filter, problem) = LabelRules.ParseFilter(["url:https://example.com:8443/x", "team:"]);
        Assert.Null(problem);
        Assert.Equal([new("url", "https://example.com:8443/x"), new("team", "")], filter!);
    }

    [Fact]
    public void ParseFilter_TooMany_Refused()
    {
        var (filter, problem) = LabelRules.ParseFilter([.. Enumerable.Range(0, 17).Select(i => $"k{i}:v")]);
        Assert.Null(filter);
        Assert.NotNull(problem);
    }

    [Fact]
    public void Validate_LongBadKey_EchoedCutToSixtyFourCharacters()
    {
        var errors = new Dictionary<string, string[]>();
        LabelRules.Validate(new Dictionary<string, string?> { [new string('!', 5000)] = "v" }, errors);
        var message = Assert.Single(errors["labels"]);
        Assert.True(message.Length < 300, message);
    }

    [Fact]
    public void Validate_ControlCharacterInKey_NotEchoed()
    {
        var errors = new Dictionary<string, string[]>();
        LabelRules.Validate(new Dictionary<string, string?> { ["a\r\nInjected: yes"] = "v" }, errors);
        Assert.DoesNotContain('\n', Assert.Single(errors["labels"]));
    }
}
