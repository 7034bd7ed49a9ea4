using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Delivery;

/// <summary>
/// Signed calls as two tenants meet them: each fetches its own key from <c>GET /signing-keys</c>, and a target holding
/// one tenant's key accepts that tenant's calls and no other's.
/// </summary>
[Collection(MemoryServerCollection.Name)]
public sealed class SignedCallTests(MemoryServerFixture fixture)
{
    [Fact]
    public async Task PostTask_SigningKeyConfigured_TargetVerifiesWithTheOwnersFetchedKey()
    {
        var owner = $"user-{Guid.NewGuid():N}";
        using var client = fixture.Server.CreateClient(TestTokens.Create(owner));
        using var other = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
        var keys = (await GetKeysAsync(client))["keys"]!.AsArray().Select(k => (string)k!["key"]!).ToArray();
        var otherKey = (string)(await GetKeysAsync(other))["keys"]![0]!["key"]!;
        var url = fixture.Target.UrlFor("ok") + "?order=42";

        var task = await TaskApi.CreateAsync(client, new { taskURL = url, delayInMS = 100, body = """{"order":42,"note":"café"}""" });

        var call = Assert.Single(await fixture.Target.WaitForCallsAsync(url));
        Assert.Equal($"{(string)task["id"]!}:1", call.Headers[DeliveryHeaders.IdempotencyKey]);
        Assert.Equal(owner, call.Headers[DeliverySignature.OwnerHeader]);
        var received = fixture.Target.BaseAddress.GetLeftPart(UriPartial.Authority) + call.RawTarget;
        Assert.Equal(2, keys.Length);
        Assert.All(keys, key => Assert.True(Verify(key, call, received), $"The call's signature did not verify with its owner's key {key}: {Describe(call)}"));
        Assert.False(Verify(otherKey, call, received), "Another tenant's key verified the call.");

        // The same call replayed to another URL of the target does not verify.
        Assert.False(Verify(keys[0], call, received.Replace("?order=42", "?order=43", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GetSigningKeys_TwoSubjects_EachGetsItsOwnCurrentAndNextKeyNotCached()
    {
        var owner = $"auth0|{Guid.NewGuid():N}";
        using var client = fixture.Server.CreateClient(TestTokens.Create(owner));
        using var other = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

        using var response = await client.GetAsync(new Uri("/signing-keys", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /signing-keys answered {(int)response.StatusCode}: {text}");
        Assert.True(response.Headers.CacheControl?.NoStore, "GET /signing-keys must answer Cache-Control: no-store.");
        var keys = JsonNode.Parse(text)!;
        var again = await GetKeysAsync(client);
        var theirs = await GetKeysAsync(other);

        Assert.Equal(owner, (string?)keys["owner"]);
        Assert.Equal(Uri.EscapeDataString(owner), (string?)keys["ownerHeader"]);
        Assert.Equal("v2", (string?)keys["scheme"]);
        // The server has two master keys, as during a rotation: the current key, and the next one.
        var list = keys["keys"]!.AsArray();
        Assert.Equal(["current", "next"], list.Select(k => (string?)k!["status"]));
        Assert.All(list, k => Assert.Equal(32, Convert.FromBase64String((string)k!["key"]!).Length));
        Assert.NotEqual((string?)list[0]!["key"], (string?)list[1]!["key"]);
        Assert.Equal((string?)list[0]!["key"], (string?)again["keys"]![0]!["key"]);
        Assert.NotEqual((string?)list[0]!["key"], (string?)theirs["keys"]![0]!["key"]);
        // Derived from the master keys, never a master key itself.
        Assert.DoesNotContain(MemoryServerFixture.SigningKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(MemoryServerFixture.NextSigningKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSigningKeys_WithoutToken_Returns401Problem()
    {
        using var client = fixture.Server.CreateClient(token: null);

        using var response = await client.GetAsync(new Uri("/signing-keys", UriKind.Relative));

        await TaskApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    private static bool Verify(string key, RecordedCall call, string url) => DeliverySignature.Verify(
        key, call.Method, url, name => call.Headers.GetValueOrDefault(name), Encoding.UTF8.GetBytes(call.Body), DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance);

    private static async Task<JsonNode> GetKeysAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonNode>(new Uri("/signing-keys", UriKind.Relative)))!;

    private static string Describe(RecordedCall call) =>
        $"{call.Method} {call.RawTarget}, owner {call.Headers.GetValueOrDefault(DeliverySignature.OwnerHeader)}, " +
        $"timestamp {call.Headers.GetValueOrDefault(DeliverySignature.TimestampHeader)}, signature {call.Headers.GetValueOrDefault(DeliverySignature.SignatureHeader)}.";
}
