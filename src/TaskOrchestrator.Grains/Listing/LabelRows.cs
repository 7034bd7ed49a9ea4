namespace TaskOrchestrator.Listing;

/// <summary>
/// The label rows one write of a resource keeps and removes (see <see cref="ListingKeys.LabelDigest"/>): the labels it
/// carries now, and those it carried whose rows may remain (labels changed while a write of their rows failed or a crash
/// came between the state and its rows). Like <see cref="StatusSet"/>, the resource's state records every label whose
/// rows may exist before it is stored, and the next write deletes those it no longer carries.
/// </summary>
/// <param name="Current">The digests of the labels the resource carries.</param>
/// <param name="Stale">The digests of labels whose rows may exist but that the resource no longer carries.</param>
public readonly record struct LabelRows(IReadOnlyCollection<string> Current, IReadOnlyCollection<string> Stale)
{
    /// <summary>No label rows at all.</summary>
    public static LabelRows None { get; } = new([], []);

    /// <summary>Every label whose rows may exist: the current and the stale ones.</summary>
    public IEnumerable<string> All => Current.Concat(Stale);

    /// <summary>The digests of <paramref name="labels"/>, in key order.</summary>
    public static List<string> Digests(IReadOnlyDictionary<string, string>? labels) =>
        labels is null ? [] : [.. labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => ListingKeys.LabelDigest(l.Key, l.Value))];

    /// <summary>The rows of a resource carrying <paramref name="labels"/> whose state recorded rows of <paramref name="recorded"/>.</summary>
    public static LabelRows For(IReadOnlyDictionary<string, string>? labels, IEnumerable<string>? recorded)
    {
        var current = Digests(labels);
        var stale = recorded?.Except(current, StringComparer.Ordinal).ToList() ?? [];
        return current.Count == 0 && stale.Count == 0 ? None : new LabelRows(current, stale);
    }
}
