using Microsoft.Extensions.Time.Testing;
using TaskOrchestrator.Storage;
using static TaskOrchestrator.Grains.Tests.Storage.StoredTasks;

namespace TaskOrchestrator.Grains.Tests.Storage;

public sealed class TaskIdMinterTests
{
    private readonly FakeTimeProvider _time = new(Epoch);
    private readonly TaskIdMinter _minter;

    public TaskIdMinterTests() => _minter = new TaskIdMinter(_time);

    [Fact]
    public void TryClaimNew_MintedId_TrueOnlyOnce()
    {
        var id = _minter.Mint(Epoch);

        Assert.True(_minter.TryClaimNew(id), "A freshly minted id was not claimable.");
        Assert.False(_minter.TryClaimNew(id), "A minted id was claimable twice.");
    }

    [Fact]
    public void TryClaimNew_UnknownId_ReturnsFalse()
    {
        var mintedElsewhere = new TaskIdMinter(_time).Mint(Epoch);

        Assert.False(_minter.TryClaimNew(IdAt(Epoch)));
        Assert.False(_minter.TryClaimNew(mintedElsewhere));
        Assert.False(_minter.TryClaimNew(Guid.Empty));
    }

    [Fact]
    public void TryClaimNew_JustUnderAMinuteAfterMint_ReturnsTrue()
    {
        var id = _minter.Mint(Epoch);

        _time.Advance(TimeSpan.FromSeconds(59));

        Assert.True(_minter.TryClaimNew(id));
    }

    [Fact]
    public void TryClaimNew_AMinuteAfterMint_ReturnsFalse()
    {
        // By then the task may have been stored by an activation elsewhere: only a read can tell.
        var id = _minter.Mint(Epoch);

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(_minter.TryClaimNew(id));
    }

    [Fact]
    public void Mint_Always_ReturnsDistinctVersion7IdsCarryingTheCreationTime()
    {
        var createdAt = Epoch.AddMilliseconds(123);

        var ids = Enumerable.Range(0, 1000).Select(_ => _minter.Mint(createdAt)).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(7, id.Version));
        Assert.All(ids, id => Assert.Equal(createdAt.ToUnixTimeMilliseconds(), TaskKeys.CreatedMillis(id)));
    }

    [Fact]
    public void Mint_ManyBeyondTheForgetThreshold_RecentIdsStayClaimable()
    {
        var old = Enumerable.Range(0, 10_000).Select(_ => _minter.Mint(Epoch)).ToList();
        _time.Advance(TimeSpan.FromMinutes(2));

        var recent = Enumerable.Range(0, 10).Select(_ => _minter.Mint(_time.GetUtcNow())).ToList();

        Assert.All(recent, id => Assert.True(_minter.TryClaimNew(id), "A recent id was forgotten."));
        Assert.DoesNotContain(old, _minter.TryClaimNew);
    }

    [Fact]
    public void IsMinted_IdsThisKeyMinted_True()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => _minter.Mint(_time.GetUtcNow())).ToList();

        Assert.All(ids, id => Assert.True(_minter.IsMinted(id), $"{id} was minted here but not recognised."));
    }

    [Fact]
    public void IsMinted_MadeUpOrAlteredIds_False()
    {
        var minted = _minter.Mint(Epoch);
        var bytes = minted.ToByteArray(bigEndian: true);
        bytes[15] ^= 1;

        Assert.False(_minter.IsMinted(new Guid(bytes, bigEndian: true)));
        Assert.False(_minter.IsMinted(Guid.CreateVersion7(Epoch)));
        Assert.False(_minter.IsMinted(Guid.NewGuid()));
        Assert.False(_minter.IsMinted(Guid.Empty));
        Assert.False(_minter.IsMinted(new TaskIdMinter(_time).Mint(Epoch)), "An id minted under another key was recognised.");
    }

    [Fact]
    public void IsMinted_SharedKey_EveryNodeRecognisesEveryOthersIds()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(TaskIdMinter.KeyBytes);
        var other = new TaskIdMinter(_time);
        _minter.UseKey(key);
        other.UseKey(key);

        Assert.True(other.IsMinted(_minter.Mint(Epoch)));
        Assert.True(_minter.IsMinted(other.Mint(Epoch)));
    }
}
