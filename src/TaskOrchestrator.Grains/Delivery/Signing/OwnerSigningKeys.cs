using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// Each owner's signing keys, derived from the configured master keys (<see cref="SigningOptions.Keys"/>), so that a
/// target verifying one tenant's calls holds nothing that signs, or verifies, another tenant's.
/// </summary>
/// <remarks>
/// <c>ownerKey = HMAC-SHA256(key = UTF-8 bytes of the master key, message = UTF-8 bytes of <see cref="Label"/> + owner)</c>,
/// 32 bytes; an owner fetches its own with <c>GET /signing-keys</c> (base64). Nothing is stored: the same master key
/// and owner always give the same key, on every node.
/// </remarks>
public sealed class OwnerSigningKeys(IOptions<SigningOptions> options)
{
    /// <summary>What the derivation signs before the owner: it ties the key to this use (only a v2 signing key).</summary>
    public const string Label = "TaskOrchestrator v2 owner signing key\n";

    private readonly byte[][] _masterKeys = [.. options.Value.Keys.Select(Encoding.UTF8.GetBytes)];

    /// <summary>How many keys each owner has: one per configured master key, in the same order (the first is the current one).</summary>
    public int Count => _masterKeys.Length;

    /// <summary><paramref name="owner"/>'s keys, one per master key, in configuration order; empty when none is configured.</summary>
    public IReadOnlyList<byte[]> For(string owner)
    {
        var message = Encoding.UTF8.GetBytes(Label + owner);
        return [.. _masterKeys.Select(key => HMACSHA256.HashData(key, message))];
    }
}
