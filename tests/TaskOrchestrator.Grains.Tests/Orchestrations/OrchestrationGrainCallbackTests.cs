using TaskOrchestrator.Callbacks;
using TaskOrchestrator.Delivery;
using TaskOrchestrator.Grains.Tests.Tasks;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Tasks;
using static TaskOrchestrator.Grains.Tests.Orchestrations.TestOrchestrations;

namespace TaskOrchestrator.Grains.Tests.Orchestrations;

/// <summary>The completion callback of the orchestration grain, on a one-silo cluster with a real target on 127.0.0.1.</summary>
[Collection(TaskClusterCollection.Name)]
public sealed class OrchestrationGrainCallbackTests(TaskClusterFixture fixture)
{
    private static readonly DeliveryPolicy OneAttempt = new(new RetryPolicy(1, TimeSpan.Zero, 1, TimeSpan.Zero, 0, RetryPolicy.DefaultRetryOn), TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Callback_TargetFailsThenSucceeds_RetriedAndRecordedDeliveredWithTheOrchestrationCompleted()
    {
        var callbackUrl = fixture.Target.UrlFor("fail-first/1");
        var grain = fixture.NewOrchestration();
        var definition = Define(TestTasks.In(100), [fixture.Target.UrlFor()]) with { Callback = new CompletionCallback(callbackUrl, CompletionCallback.Outcomes) };
        await grain.CreateOkAsync(definition);

        var calls = await fixture.Target.WaitForCallsAsync(callbackUrl, count: 2, timeout: TestTasks.Wait);
        var done = await grain.WaitUntilAsync(o => o.CallbackDelivery?.Status == CallbackStatus.Delivered, "the callback to be recorded as delivered");

        Assert.Equal(OrchestrationStatus.Completed, done.Status);
        Assert.Equal(("completed", 2, 200), (done.CallbackDelivery!.Outcome, done.CallbackDelivery.Attempts, done.CallbackDelivery.LastStatusCode));
        var id = done.Id.ToString("D");
        Assert.All(calls, call =>
        {
            Assert.Equal($"{id}:callback", call.Headers[DeliveryHeaders.IdempotencyKey]);
            Assert.Equal(id, call.Headers[DeliveryHeaders.OrchestrationId]);
            Assert.Equal("completed", call.Headers[CallbackSender.OutcomeHeader]);
        });
        Assert.Equal(["1", "2"], calls.Select(c => c.Headers[DeliveryHeaders.Attempt]));
    }

    [Fact]
    public async Task Callback_EndingNotAskedFor_NeverPosted()
    {
        var callbackUrl = fixture.Target.UrlFor();
        var grain = fixture.NewOrchestration();
        var definition = Define(TestTasks.In(50), [fixture.Target.UrlFor()]) with { Callback = new CompletionCallback(callbackUrl, [CompletionCallback.Failed]) };
        await grain.CreateOkAsync(definition);

        var done = await grain.WaitUntilFinalAsync();

        Assert.Equal(OrchestrationStatus.Completed, done.Status);
        Assert.Null(done.CallbackDelivery);
        Assert.Empty(fixture.Target.CallsTo(callbackUrl));
    }

    [Fact]
    public async Task Retry_AfterAFailedEndingWasReported_TheNewEndingIsReportedUnderItsOwnKey()
    {
        var (step, callbackUrl) = (fixture.Target.UrlFor("fail-first/1"), fixture.Target.UrlFor());
        var grain = fixture.NewOrchestration();
        var definition = Define(TestTasks.In(50), [step]) with
        {
            Steps = [new OrchestrationStepDefinition(step, "POST", null, null, Delivery: OneAttempt)],
            Callback = new CompletionCallback(callbackUrl, CompletionCallback.Outcomes),
        };
        await grain.CreateOkAsync(definition);
        var failedCall = Assert.Single(await fixture.Target.WaitForCallsAsync(callbackUrl, timeout: TestTasks.Wait));
        var failed = await grain.WaitUntilAsync(o => o.CallbackDelivery?.Status == CallbackStatus.Delivered, "the failed ending's callback to be recorded");
        Assert.Equal((OrchestrationStatus.Failed, "failed"), (failed.Status, failed.CallbackDelivery!.Outcome));

        Assert.Equal(TaskCommandOutcome.Ok, (await grain.RetryAsync()).Outcome);
        var calls = await fixture.Target.WaitForCallsAsync(callbackUrl, count: 2, timeout: TestTasks.Wait);
        var completed = await grain.WaitUntilAsync(
            o => o.Status == OrchestrationStatus.Completed && o.CallbackDelivery?.Status == CallbackStatus.Delivered, "the new ending's callback to be recorded");

        var id = completed.Id.ToString("D");
        Assert.Equal(("completed", 1), (completed.CallbackDelivery!.Outcome, completed.CallbackDelivery.Attempts));
        Assert.Equal(("failed", $"{id}:callback"), (failedCall.Headers[CallbackSender.OutcomeHeader], failedCall.Headers[DeliveryHeaders.IdempotencyKey]));
        Assert.Equal(("completed", $"{id}:callback:1"), (calls[1].Headers[CallbackSender.OutcomeHeader], calls[1].Headers[DeliveryHeaders.IdempotencyKey]));
    }
}
