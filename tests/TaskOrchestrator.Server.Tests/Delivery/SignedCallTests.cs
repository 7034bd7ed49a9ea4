using System.Text;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Server.Tests.Endpoints.Tasks;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Delivery;

/// <summary>A task created through the API reaches its target signed with the configured key.</summary>
[Collection(MemoryServerCollection.Name)]
public sealed class SignedCallTests(MemoryServerFixture fixture)
{
    [Fact]
    public async Task PostTask_SigningKeyConfigured_TargetVerifiesTheCall()
    {
        using var client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));
        var url = fixture.Target.UrlFor("ok");

        var task = await TaskApi.CreateAsync(client, new { taskURL = url, delayInMS = 100, body = """{"order":42,"note":"café"}""" });

        var call = Assert.Single(await fixture.Target.WaitForCallsAsync(url));
        Assert.Equal($"{(string)task["id"]!}:1", call.Headers[DeliveryHeaders.IdempotencyKey]);
        Assert.True(
            DeliverySignature.Verify(MemoryServerFixture.SigningKey, call.Headers.GetValueOrDefault(DeliverySignature.TimestampHeader), Encoding.UTF8.GetBytes(call.Body),
                call.Headers.GetValueOrDefault(DeliverySignature.SignatureHeader), DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance),
            $"The call's signature did not verify: timestamp {call.Headers.GetValueOrDefault(DeliverySignature.TimestampHeader)}, " +
            $"signature {call.Headers.GetValueOrDefault(DeliverySignature.SignatureHeader)}.");
        Assert.False(
            DeliverySignature.Verify("another-key-0123456789abcdefghijklmnopqrstuv", call.Headers[DeliverySignature.TimestampHeader], Encoding.UTF8.GetBytes(call.Body),
                call.Headers[DeliverySignature.SignatureHeader], DateTimeOffset.UtcNow, DeliverySignature.DefaultTolerance));
    }
}
