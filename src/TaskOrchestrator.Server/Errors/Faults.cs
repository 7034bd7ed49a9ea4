using Azure;
using Orleans.Runtime;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Server.Errors;

/// <summary>What a failure from the cluster or storage means for the client: worth retrying, or not.</summary>
internal static class Faults
{
    /// <summary>Seconds a client is asked to wait before retrying after a 503.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Storage refused something for its size: the same request can never succeed.</summary>
    public static bool IsTooLarge(Exception exception) => Causes(exception).Any(e => e is RowTooLargeException);

    /// <summary>
    /// Storage refused the request itself (400, 401, 403, 405, 411, 413, 414, 416): a bad request this service made, or
    /// credentials storage does not accept. Retrying will not help, so it is no 503.
    /// </summary>
    public static bool IsPermanentStorageRefusal(Exception exception) =>
        Causes(exception).Any(e => e is RequestFailedException { Status: 400 or 401 or 403 or 405 or 411 or 413 or 414 or 416 });

    /// <summary>The cluster or storage did not answer in time or could not be reached: worth retrying later.</summary>
    public static bool IsUnavailable(Exception exception) => !IsTooLarge(exception) && !IsPermanentStorageRefusal(exception) && IsTransient(exception);

    private static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutException or OrleansException or RequestFailedException or SiloUnavailableException => true,

        // The Azure SDK reports a storage request that failed every try (storage unreachable, or each try timed out)
        // as an AggregateException of the failures.
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0
            && aggregate.InnerExceptions.All(e => e is OperationCanceledException || IsTransient(e)),
        _ => false,
    };

    // The exception and everything it wraps.
    private static IEnumerable<Exception> Causes(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
