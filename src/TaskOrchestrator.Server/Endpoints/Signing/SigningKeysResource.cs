namespace TaskOrchestrator.Server.Endpoints.Signing;

/// <summary>The body of <c>GET /signing-keys</c>: the caller's keys for verifying its tasks' calls.</summary>
/// <param name="Owner">The owner the keys belong to: the token's subject.</param>
/// <param name="OwnerHeader">The value the calls carry in <c>TaskOrchestrator-Owner</c> (the owner, percent-encoded).</param>
/// <param name="Scheme">The signature scheme the keys verify: <c>v2</c>.</param>
/// <param name="Keys">One per active service key, the current one first; empty when calls go unsigned.</param>
public sealed record SigningKeysResource(string Owner, string OwnerHeader, string Scheme, IReadOnlyList<SigningKeyResource> Keys);

/// <summary>One of an owner's signing keys.</summary>
/// <param name="Key">The key, base64 (32 bytes): the HMAC-SHA256 key of the owner's <c>v2</c> signatures.</param>
/// <param name="Status"><c>current</c>, or <c>next</c> during a rotation (both sign every call).</param>
public sealed record SigningKeyResource(string Key, string Status);
