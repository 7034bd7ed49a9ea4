namespace TaskOrchestrator.Listing;

/// <summary>
/// A set of statuses (by their enum value, 0 to 7) whose listing rows may exist for one resource. A resource's store
/// keeps it beside its state: every write adds the new status before the state is stored, and the listing rows of the
/// others are deleted after it, so that rows a crash left behind are found and removed by the next write.
/// </summary>
[GenerateSerializer, Immutable, Alias("TaskOrchestrator.StatusSet")]
public readonly record struct StatusSet([property: Id(0)] byte Bits)
{
    /// <summary>Every status: what a resource stored before listing rows existed may have rows for.</summary>
    public static StatusSet All { get; } = new(0xFF);

    /// <summary>True when the set holds no status.</summary>
    public bool IsEmpty => Bits == 0;

    /// <summary>The set of <paramref name="status"/> alone.</summary>
    public static StatusSet Of(int status) => new((byte)(1 << Checked(status)));

    /// <summary>This set and <paramref name="status"/>.</summary>
    public StatusSet With(int status) => new((byte)(Bits | (1 << Checked(status))));

    /// <summary>This set without <paramref name="status"/>.</summary>
    public StatusSet Without(int status) => new((byte)(Bits & ~(1 << Checked(status))));

    /// <summary>True when <paramref name="status"/> is in the set.</summary>
    public bool Contains(int status) => (Bits & (1 << Checked(status))) != 0;

    /// <summary>The statuses in the set that are below <paramref name="count"/> (the number of values the status enum has).</summary>
    public IEnumerable<int> Members(int count)
    {
        for (var status = 0; status < count; status++)
        {
            if (Contains(status))
            {
                yield return status;
            }
        }
    }

    private static int Checked(int status) =>
        status is >= 0 and < 8 ? status : throw new ArgumentOutOfRangeException(nameof(status), status, "A status set holds values 0 to 7.");
}
