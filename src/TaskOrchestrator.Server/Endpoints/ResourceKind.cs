namespace TaskOrchestrator.Server.Endpoints;

/// <summary>
/// One kind of resource behind routes <c>{Path}/{id}</c> (tasks, orchestrations, …): how its problems name it, and how
/// <see cref="ResourceLookup{TGrain, TSnapshot}"/> reads one and tells its owner.
/// </summary>
/// <typeparam name="TGrain">The grain of one resource, keyed by the resource's id.</typeparam>
/// <typeparam name="TSnapshot">What the grain answers for the resource as it stands.</typeparam>
/// <param name="Noun">The resource's name in problems, e.g. <c>task</c>.</param>
/// <param name="Article">The article before <paramref name="Noun"/>: <c>a</c> or <c>an</c>.</param>
/// <param name="Path">Where its routes are, e.g. <c>/tasks</c>.</param>
/// <param name="Read">Reads the resource from its grain; null when none exists under the grain's id.</param>
/// <param name="OwnerOf">The subject that owns a resource.</param>
public sealed record ResourceKind<TGrain, TSnapshot>(
    string Noun, string Article, string Path, Func<TGrain, Task<TSnapshot?>> Read, Func<TSnapshot, string> OwnerOf)
    where TGrain : IGrainWithGuidKey
    where TSnapshot : class
{
    /// <summary>The route of the resource with id <paramref name="id"/>.</summary>
    public string PathOf(Guid id) => $"{Path}/{id}";
}
