using Azure;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Storage refused a row for its size (a property over 64 KiB, a row over 1 MiB, a request body over its cap). Unlike a
/// timeout or an outage, writing the same row again can never succeed: the writer must make the row smaller. An
/// <see cref="OrleansException"/>, so that Orleans hands it to the grain as it is rather than wrapped.
/// </summary>
[GenerateSerializer, Alias("TaskOrchestrator.RowTooLargeException")]
public sealed class RowTooLargeException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public RowTooLargeException()
        : base("Storage refused the row for its size.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RowTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RowTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Wraps the storage service's refusal.</summary>
    public RowTooLargeException(RequestFailedException refusal)
        : base($"Storage refused the row for its size ({refusal?.Status} {refusal?.ErrorCode}).", refusal!)
    {
    }

    /// <summary>True when <paramref name="failure"/> is storage refusing a row or request for its size.</summary>
    public static bool IsSizeRefusal(RequestFailedException failure) =>
        failure.Status == 413
        || failure.ErrorCode is "EntityTooLarge" or "PropertyValueTooLarge" or "RequestBodyTooLarge" or "ContentLengthExceeded";
}
