using System.Security.Cryptography;
using System.Text;

namespace TaskOrchestrator.Quotas;

/// <summary>The key of an owner's <see cref="IOwnerQuotaGrain"/>.</summary>
public static class OwnerQuotaKey
{
    /// <summary>
    /// SHA-256 of the subject, in hex: subjects may be long and hold any character, and a key that is a fixed-length
    /// hash is safe in every place a grain key goes (logs, storage keys, the dashboard).
    /// </summary>
    public static string For(string owner) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(owner)));
}
