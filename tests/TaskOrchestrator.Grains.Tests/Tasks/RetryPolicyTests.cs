using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Tasks;

/// <summary>Which failures a retry policy retries, and how long it waits.</summary>
public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Default = new(5, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(10), 0.2, RetryPolicy.DefaultRetryOn);

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(599, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    [InlineData(200, false)]
    [InlineData(302, false)]
    public void Retries_StatusCode_FollowsTheDefaultConditions(int status, bool expected) =>
        Assert.Equal(expected, Default.Retries(new TaskResponse(status, null, null)));

    [Theory]
    [InlineData(DeliveryFailure.Connection, true)]
    [InlineData(DeliveryFailure.Timeout, true)]
    [InlineData(DeliveryFailure.Blocked, false)]
    [InlineData(DeliveryFailure.InvalidRequest, false)]
    public void Retries_NoAnswer_RetriesConnectionErrorsAndTimeoutsOnly(DeliveryFailure failure, bool expected) =>
        Assert.Equal(expected, Default.Retries(new TaskResponse(null, null, "x", failure)));

    [Fact]
    public void Retries_CustomConditions_MatchCodesAndClasses()
    {
        var policy = Default with { RetryOn = ["409", "5XX"] };

        Assert.True(policy.Retries(new TaskResponse(409, null, null)));
        Assert.True(policy.Retries(new TaskResponse(502, null, null)));
        Assert.False(policy.Retries(new TaskResponse(429, null, null)));
        Assert.False(policy.Retries(new TaskResponse(null, null, "refused", DeliveryFailure.Connection)));
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(4, 8000)]
    [InlineData(5, 10000)]
    [InlineData(60, 10000)]
    public void DelayAfter_NoJitter_GrowsByTheCoefficientUpToTheMaximum(int attempt, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), (Default with { Jitter = 0 }).DelayAfter(attempt, random: 0.5));

    [Fact]
    public void DelayAfter_Jitter_OnlyShortensThePause()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(2000), Default.DelayAfter(2, random: 0));
        Assert.Equal(TimeSpan.FromMilliseconds(1600), Default.DelayAfter(2, random: 1));
        Assert.InRange(Default.DelayAfter(2, random: 0.5), TimeSpan.FromMilliseconds(1600), TimeSpan.FromMilliseconds(2000));
    }

    [Fact]
    public void DelayAfter_RetryAfterLongerThanBackoff_WaitsForRetryAfter()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), Default.DelayAfter(1, 0, retryAfter: TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(1), Default.DelayAfter(1, 0, retryAfter: TimeSpan.FromMilliseconds(10)));
    }
}
