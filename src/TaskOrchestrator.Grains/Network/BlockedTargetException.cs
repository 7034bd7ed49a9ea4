namespace TaskOrchestrator.Network;

/// <summary>Thrown when every address of a target is refused by the <see cref="TargetAddressPolicy"/>; the message says why.</summary>
public sealed class BlockedTargetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BlockedTargetException()
    {
    }

    /// <summary>Creates the exception with the reason.</summary>
    public BlockedTargetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public BlockedTargetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
