namespace TaskOrchestrator.Tasks;

/// <summary>Why an attempt got no HTTP answer.</summary>
public enum DeliveryFailure
{
    /// <summary>The connection failed: refused, reset, closed early, or the host name did not resolve.</summary>
    Connection = 1,

    /// <summary>No answer within the attempt's timeout.</summary>
    Timeout = 2,

    /// <summary>The target's address is not allowed by the network policy (loopback, private ranges, …); never retried.</summary>
    Blocked = 3,

    /// <summary>The request could not be built or sent as given (an invalid header value, …); never retried.</summary>
    InvalidRequest = 4,
}
