using Azure;
using Orleans.Runtime;
using TaskOrchestrator.Server.Errors;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Server.Tests.Errors;

/// <summary>Which failures are worth a client's retry (503) and which are not.</summary>
public sealed class FaultsTests
{
    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(413)]
    public void IsUnavailable_StorageRefusedTheRequestItself_False(int status)
    {
        // As it reaches the gateway from a grain: Orleans wraps what the storage provider threw.
        var wrapped = new OrleansException("Error from storage provider", new RequestFailedException(status, "refused"));

        Assert.False(Faults.IsUnavailable(wrapped));
        Assert.True(Faults.IsPermanentStorageRefusal(wrapped));
    }

    [Fact]
    public void IsTooLarge_RowTooLargeAnywhereInTheChain_TrueAndNotUnavailable()
    {
        var wrapped = new OrleansException("Error from storage provider", new RowTooLargeException("too big"));

        Assert.True(Faults.IsTooLarge(wrapped));
        Assert.False(Faults.IsUnavailable(wrapped));
    }

    [Fact]
    public void IsUnavailable_TimeoutsOutagesAndStorageServerErrors_True()
    {
        Assert.True(Faults.IsUnavailable(new TimeoutException()));
        Assert.True(Faults.IsUnavailable(new OrleansException("x", new RequestFailedException(503, "busy"))));
        Assert.True(Faults.IsUnavailable(new AggregateException(new RequestFailedException(0, "connection refused"), new OperationCanceledException())));
        Assert.False(Faults.IsUnavailable(new InvalidOperationException()));
    }
}
