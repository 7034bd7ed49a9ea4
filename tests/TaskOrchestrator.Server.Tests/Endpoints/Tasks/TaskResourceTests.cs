using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Tests.Endpoints.Tasks;

public sealed class TaskResourceTests
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void From_TaskStoredWithoutDeliveryPolicy_ShowsOneAttemptWithTheConfiguredTimeout()
    {
        var task = new TaskSnapshot(Guid.CreateVersion7(CreatedAt), "bob", "http://127.0.0.1:9/x", "POST", CreatedAt, CreatedAt.AddSeconds(5), ScheduledTaskStatus.Scheduled, 0, null, null, null);

        var resource = TaskResource.From(task, TimeSpan.FromSeconds(12));

        Assert.Equal(12_000, resource.TimeoutInMs);
        Assert.Equal(1, resource.Retry.MaxAttempts);
        Assert.Equal("none", resource.Authentication);
    }

    [Fact]
    public void From_TaskWithDeliveryPolicy_ShowsItsOwnTimeoutAndAuthentication()
    {
        var delivery = new DeliveryPolicy(new RetryPolicy(2, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(1), 0, RetryPolicy.DefaultRetryOn), TimeSpan.FromMilliseconds(2500), TargetAuthentication.AwsSigV4);
        var task = new TaskSnapshot(
            Guid.CreateVersion7(CreatedAt), "bob", "http://127.0.0.1:9/x", "POST", CreatedAt, CreatedAt.AddSeconds(5), ScheduledTaskStatus.Scheduled, 0, null, null, null,
            Delivery: delivery);

        var resource = TaskResource.From(task, TimeSpan.FromSeconds(12));

        Assert.Equal(2500, resource.TimeoutInMs);
        Assert.Equal("awsSigV4", resource.Authentication);
    }
}
