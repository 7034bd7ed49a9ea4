using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Idempotency;

namespace TaskOrchestrator.Grains.Tests.Idempotency;

/// <summary>When a claimed key replays, refuses, or is free again: the rule the grain applies, on a fake clock.</summary>
public sealed class IdempotencyWindowTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly Guid _first = Guid.CreateVersion7();
    private readonly Guid _proposed = Guid.CreateVersion7();

    [Fact]
    public void Decide_NoClaim_IsFreshWithProposedId()
    {
        Assert.Equal(IdempotencyClaim.Fresh(_proposed), IdempotencyWindow.Decide(null, "a", _proposed, _time.GetUtcNow()));
        Assert.Equal(IdempotencyClaim.Fresh(_proposed), IdempotencyWindow.Decide(new IdempotencyGrainState(), "a", _proposed, _time.GetUtcNow()));
    }

    [Fact]
    public void Decide_SameFingerprintJustBefore24Hours_ReplaysFirstId()
    {
        var claim = ClaimNow("a");
        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromTicks(1));
        Assert.Equal(IdempotencyClaim.Replay(_first), IdempotencyWindow.Decide(claim, "a", _proposed, _time.GetUtcNow()));
        Assert.False(IdempotencyWindow.IsExpired(claim, _time.GetUtcNow()));
    }

    [Fact]
    public void Decide_OtherFingerprintWithin24Hours_IsMismatch()
    {
        var claim = ClaimNow("a");
        _time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(IdempotencyClaim.Mismatch(), IdempotencyWindow.Decide(claim, "b", _proposed, _time.GetUtcNow()));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Decide_After24Hours_IsFreshAgain(string fingerprint)
    {
        var claim = ClaimNow("a");
        _time.Advance(TimeSpan.FromHours(24));
        Assert.True(IdempotencyWindow.IsExpired(claim, _time.GetUtcNow()));
        Assert.Equal(IdempotencyClaim.Fresh(_proposed), IdempotencyWindow.Decide(claim, fingerprint, _proposed, _time.GetUtcNow()));
    }

    private IdempotencyGrainState ClaimNow(string fingerprint) =>
        new() { Fingerprint = fingerprint, ResourceId = _first, ClaimedAt = _time.GetUtcNow() };
}
