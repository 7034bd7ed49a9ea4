using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Auth;

public sealed class ValidatedTokenCacheTests
{
    private const string Issuer = "issuer-a";
    private const string Audience = "audience-a";
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _otherKey = RandomNumberGenerator.GetBytes(32);
    private readonly CountingHandler _inner = new();

    [Fact]
    public async Task ValidateTokenAsync_SameTokenTwice_ValidatesItOnce()
    {
        var cache = new ValidatedTokenCache(_inner, TimeProvider.System);
        var token = Token(_key, DateTime.UtcNow.AddHours(1));

        var first = await cache.ValidateTokenAsync(token, Parameters(_key));
        var second = await cache.ValidateTokenAsync(token, Parameters(_key));

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, _inner.Calls);
        Assert.Equal("alice", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
    }

    [Fact]
    public async Task ValidateTokenAsync_CachedTokenPastItsExpiry_IsValidatedAgainAndRejected()
    {
        // Expiry is in whole seconds: a token valid for two more seconds, no clock skew.
        var cache = new ValidatedTokenCache(_inner, TimeProvider.System);
        var token = Token(_key, DateTime.UtcNow.AddSeconds(2));
        var parameters = Parameters(_key);
        parameters.ClockSkew = TimeSpan.Zero;
        Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);

        await Poll.UntilAsync(
            async () => !(await cache.ValidateTokenAsync(token, parameters)).IsValid,
            TimeSpan.FromSeconds(10),
            "the cached token should be rejected once it has expired");
        var rejected = await cache.ValidateTokenAsync(token, parameters);
        Assert.IsType<SecurityTokenExpiredException>(rejected.Exception);
    }

    [Fact]
    public async Task ValidateTokenAsync_ClockPastCachedExpiry_AsksTheInnerHandlerAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new ValidatedTokenCache(_inner, time);
        var token = Token(_key, time.GetUtcNow().UtcDateTime.AddMinutes(10));
        await cache.ValidateTokenAsync(token, Parameters(_key));
        await cache.ValidateTokenAsync(token, Parameters(_key));
        Assert.Equal(1, _inner.Calls);

        time.Advance(TimeSpan.FromMinutes(10));
        await cache.ValidateTokenAsync(token, Parameters(_key));

        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task ValidateTokenAsync_CachedTokenWhoseKeyWasRemoved_IsRejected()
    {
        var cache = new ValidatedTokenCache(_inner, TimeProvider.System);
        var token = Token(_key, DateTime.UtcNow.AddHours(1));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(_key, _otherKey))).IsValid);

        // The configuration now trusts only the other key (new key objects, as a reload makes them).
        var result = await cache.ValidateTokenAsync(token, Parameters(_otherKey));

        Assert.False(result.IsValid);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task ValidateTokenAsync_CachedTokenWhoseKeyStaysAfterReload_IsStillAccepted()
    {
        var cache = new ValidatedTokenCache(_inner, TimeProvider.System);
        var token = Token(_key, DateTime.UtcNow.AddHours(1));
        await cache.ValidateTokenAsync(token, Parameters(_key, _otherKey));

        var result = await cache.ValidateTokenAsync(token, Parameters(_otherKey, _key.ToArray()));

        Assert.True(result.IsValid);
        Assert.Equal(1, _inner.Calls);
    }

    [Theory]
    [InlineData("issuer-b", Audience)]
    [InlineData(Issuer, "audience-b")]
    public async Task ValidateTokenAsync_CachedTokenAfterIssuerOrAudienceChanged_IsRejected(string issuer, string audience)
    {
        var cache = new ValidatedTokenCache(_inner, TimeProvider.System);
        var token = Token(_key, DateTime.UtcNow.AddHours(1));
        await cache.ValidateTokenAsync(token, Parameters(_key));
        var changed = Parameters(_key);
        changed.ValidIssuer = issuer;
        changed.ValidAudience = audience;

        var result = await cache.ValidateTokenAsync(token, changed);

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task ValidateTokenAsync_TokenWithWrongSignature_IsRejectedEveryTime()
    {
        var cache = new ValidatedTokenCache(_inner, TimeProvider.System);
        var token = Token(_otherKey, DateTime.UtcNow.AddHours(1));

        Assert.False((await cache.ValidateTokenAsync(token, Parameters(_key))).IsValid);
        Assert.False((await cache.ValidateTokenAsync(token, Parameters(_key))).IsValid);

        Assert.Equal(2, _inner.Calls);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_MoreTokensThanCapacity_RemembersAtMostCapacity()
    {
        var cache = new ValidatedTokenCache(_inner, TimeProvider.System, capacity: 2);
        var tokens = Enumerable.Range(0, 3).Select(i => Token(_key, DateTime.UtcNow.AddHours(1), $"user-{i}")).ToList();

        foreach (var token in tokens)
        {
            Assert.True((await cache.ValidateTokenAsync(token, Parameters(_key))).IsValid);
        }

        Assert.Equal(2, cache.Count);
        Assert.True((await cache.ValidateTokenAsync(tokens[2], Parameters(_key))).IsValid);
        Assert.Equal(4, _inner.Calls);
    }

    [Fact]
    public async Task ValidateTokenAsync_CustomLifetimeValidator_BypassesTheCache()
    {
        var cache = new ValidatedTokenCache(_inner, TimeProvider.System);
        var token = Token(_key, DateTime.UtcNow.AddHours(1));
        var parameters = Parameters(_key);
        parameters.LifetimeValidator = (_, _, _, _) => true;

        await cache.ValidateTokenAsync(token, parameters);
        await cache.ValidateTokenAsync(token, parameters);

        Assert.Equal(2, _inner.Calls);
        Assert.Equal(0, cache.Count);
    }

    private static TokenValidationParameters Parameters(params byte[][] keys) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKeys = keys.Select(k => new SymmetricSecurityKey(k.ToArray())).ToList(),
        NameClaimType = "sub",
    };

    private static string Token(byte[] key, DateTime expires, string subject = "alice") => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Subject = new ClaimsIdentity([new Claim("sub", subject)]),
        NotBefore = DateTime.UtcNow.AddMinutes(-5),
        IssuedAt = DateTime.UtcNow.AddMinutes(-5),
        Expires = expires,
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
    });

    private sealed class CountingHandler : TokenHandler
    {
        private readonly JsonWebTokenHandler _handler = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public override SecurityToken ReadToken(string token) => _handler.ReadToken(token);

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _calls);
            return _handler.ValidateTokenAsync(token, validationParameters);
        }
    }
}
