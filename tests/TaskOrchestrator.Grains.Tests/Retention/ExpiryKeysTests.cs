using TaskOrchestrator.Retention;

namespace TaskOrchestrator.Grains.Tests.Retention;

/// <summary>The row keys of expiry rows: the kind is in the key, and rows filed before kinds existed read as tasks.</summary>
public sealed class ExpiryKeysTests
{
    [Theory]
    [InlineData(ExpiryKind.Task)]
    [InlineData(ExpiryKind.Orchestration)]
    public void TryParse_RowKeyOfAKind_GivesBackKindAndId(ExpiryKind kind)
    {
        var id = Guid.NewGuid();

        Assert.True(ExpiryKeys.TryParse(ExpiryKeys.RowKey(kind, id), out var parsedKind, out var parsedId));

        Assert.Equal(kind, parsedKind);
        Assert.Equal(id, parsedId);
    }

    [Fact]
    public void TryParse_RowKeyWithoutPrefix_IsATask()
    {
        var id = Guid.NewGuid();

        Assert.True(ExpiryKeys.TryParse(id.ToString("N"), out var kind, out var parsed));

        Assert.Equal(ExpiryKind.Task, kind);
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("o-")]
    [InlineData("o-not-a-guid")]
    [InlineData("x-0123456789abcdef0123456789abcdef")]
    public void TryParse_RowKeyNamingNothing_IsRefused(string rowKey) =>
        Assert.False(ExpiryKeys.TryParse(rowKey, out _, out _));

    [Fact]
    public void RowKey_SameIdOfEachKind_Differs()
    {
        var id = Guid.NewGuid();

        Assert.NotEqual(ExpiryKeys.RowKey(ExpiryKind.Task, id), ExpiryKeys.RowKey(ExpiryKind.Orchestration, id));
    }
}
