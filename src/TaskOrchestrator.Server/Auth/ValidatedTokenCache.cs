using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TaskOrchestrator.Server.Auth;

/// <summary>
/// The JWT handler in front of <see cref="JsonWebTokenHandler"/>: a client sends the same bearer token with every
/// request, and validating it (parse, base64, JSON, HMAC or RSA, claims) cost ~10 % of the server's working CPU at
/// 200 tasks/s. A token the inner handler accepted is remembered, keyed by its SHA-256 (the token itself is not
/// kept), until its expiry; a later request with exactly that token skips the parse and the signature check, but its
/// issuer, audience and expiry are checked again against the parameters of that request, and the key that verified
/// its signature must still be one of the trusted keys (a key removed from the configuration invalidates every token
/// it signed). Anything else - a new token, custom validator delegates, an encrypted token - goes to the inner
/// handler as before.
/// </summary>
internal sealed class ValidatedTokenCache(TokenHandler inner, TimeProvider time, int capacity = ValidatedTokenCache.DefaultCapacity) : TokenHandler
{
    /// <summary>How many tokens are remembered at most; past that, new tokens are validated every time until entries expire.</summary>
    public const int DefaultCapacity = 4096;

    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();
    private int _count;

    /// <summary>Tokens remembered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    /// <inheritdoc />
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        if (string.IsNullOrEmpty(token) || !Cacheable(validationParameters))
        {
            return await inner.ValidateTokenAsync(token, validationParameters);
        }

        var hash = TokenHash.Of(token);
        var now = time.GetUtcNow().UtcDateTime;
        if (_entries.TryGetValue(hash, out var entry))
        {
            if (entry.StillValid(now, token, validationParameters))
            {
                return entry.Result();
            }

            Remove(hash, entry);
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid
            && result.SecurityToken is JsonWebToken { IsEncrypted: false, SigningKey: { } key } jwt
            && jwt.ValidTo > now
            && result.ClaimsIdentity is { } identity)
        {
            Add(hash, new Entry(jwt, key, identity, jwt.ValidTo));
        }

        return result;
    }

    // The cached path repeats the checks that are cheap and would otherwise be skipped; delegates the host may have
    // set to change what "valid" means would be skipped, so their presence turns the cache off.
    private static bool Cacheable(TokenValidationParameters p) =>
        p.SignatureValidator is null && p.SignatureValidatorUsingConfiguration is null
        && p.IssuerValidator is null && p.IssuerValidatorUsingConfiguration is null
        && p.AudienceValidator is null && p.LifetimeValidator is null && p.TokenReplayValidator is null
        && p.IssuerSigningKeyValidator is null && p.IssuerSigningKeyValidatorUsingConfiguration is null
        && p.TokenReader is null && p.TypeValidator is null && p.AlgorithmValidator is null
        && p.TransformBeforeSignatureValidation is null && p.TokenDecryptionKeyResolver is null
        && p.TokenDecryptionKey is null && p.TokenDecryptionKeys is null
        && p.ValidateSignatureLast is false && p.ConfigurationManager is null;

    private void Add(TokenHash hash, Entry entry)
    {
        if (Count >= capacity)
        {
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var (key, old) in _entries)
            {
                if (old.Expires <= now)
                {
                    Remove(key, old);
                }
            }

            if (Count >= capacity)
            {
                return;
            }
        }

        if (_entries.TryAdd(hash, entry))
        {
            Interlocked.Increment(ref _count);
        }
    }

    private void Remove(TokenHash hash, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<TokenHash, Entry>(hash, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private sealed class Entry(JsonWebToken token, SecurityKey key, ClaimsIdentity identity, DateTime expires)
    {
        public DateTime Expires => expires;

        // Lifetime without clock skew: an entry never outlives the token's own expiry (past it, the inner handler decides).
        public bool StillValid(DateTime now, string raw, TokenValidationParameters p) =>
            now < expires
            && (!p.RequireSignedTokens || KeyStillTrusted(raw, p))
            && (!p.ValidateIssuer || IssuerAllowed(p))
            && (!p.ValidateAudience || AudienceAllowed(p))
            && (!p.ValidateLifetime || token.ValidFrom <= now.Add(p.ClockSkew));

        // The claims are copied for each request: handlers and events downstream may add to the identity they get.
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = token,
            ClaimsIdentity = identity.Clone(),
            Issuer = token.Issuer,
            TokenType = token.Typ,
        };

        private bool IssuerAllowed(TokenValidationParameters p) =>
            string.Equals(p.ValidIssuer, token.Issuer, StringComparison.Ordinal)
            || (p.ValidIssuers?.Contains(token.Issuer, StringComparer.Ordinal) ?? false);

        private bool AudienceAllowed(TokenValidationParameters p)
        {
            foreach (var audience in token.Audiences)
            {
                if (string.Equals(p.ValidAudience, audience, StringComparison.Ordinal)
                    || (p.ValidAudiences?.Contains(audience, StringComparer.Ordinal) ?? false))
                {
                    return true;
                }
            }

            return false;
        }

        private bool KeyStillTrusted(string raw, TokenValidationParameters p)
        {
            if (Same(p.IssuerSigningKey))
            {
                return true;
            }

            if (p.IssuerSigningKeys is { } keys && keys.Any(Same))
            {
                return true;
            }

            return p.IssuerSigningKeyResolver?.Invoke(raw, token, token.Kid, p) is { } resolved && resolved.Any(Same);
        }

        private bool Same(SecurityKey? candidate) => candidate switch
        {
            null => false,
            _ when ReferenceEquals(candidate, key) => true,
            SymmetricSecurityKey s when key is SymmetricSecurityKey k => CryptographicOperations.FixedTimeEquals(s.Key, k.Key),
            _ => !string.IsNullOrEmpty(key.KeyId) && string.Equals(candidate.KeyId, key.KeyId, StringComparison.Ordinal)
                && candidate.GetType() == key.GetType(),
        };
    }

    private readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenHash Of(string token)
        {
            var length = Encoding.UTF8.GetMaxByteCount(token.Length);
            var rented = length > 2048 ? ArrayPool<byte>.Shared.Rent(length) : null;
            var bytes = rented ?? stackalloc byte[length];
            try
            {
                Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], hash);
                var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(hash);
                return new TokenHash(words[0], words[1], words[2], words[3]);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }
}
