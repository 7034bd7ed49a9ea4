namespace TaskOrchestrator.Storage;

/// <summary>
/// A resource's state was stored but its listing rows were not (all or some): the write itself succeeded. The
/// listing catches up at the resource's next write; whoever wrote may write again to repair it sooner. An
/// <see cref="OrleansException"/>, so that Orleans hands it to the grain as it is rather than wrapped.
/// </summary>
[GenerateSerializer, Alias("TaskOrchestrator.ListingWriteException")]
public sealed class ListingWriteException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public ListingWriteException()
        : base("The state was stored; its listing rows were not.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ListingWriteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the listing write's failure.</summary>
    public ListingWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
