using TaskOrchestrator.Listing;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Server.Endpoints;

/// <summary>Registers the <see cref="ResourceLookup{TGrain, TSnapshot}"/> of a kind of resource.</summary>
public static class ResourceLookupExtensions
{
    /// <summary>
    /// Adds the lookup of <paramref name="kind"/>, whose stored ids <paramref name="listing"/> (resolved from the
    /// services) tells.
    /// </summary>
    public static IServiceCollection AddResourceLookup<TGrain, TSnapshot, TItem, TStatus>(
        this IServiceCollection services, ResourceKind<TGrain, TSnapshot> kind, Func<IServiceProvider, IListing<TItem, TStatus>> listing)
        where TGrain : IGrainWithGuidKey
        where TSnapshot : class
        where TStatus : struct, Enum =>
        services.AddSingleton(sp => new ResourceLookup<TGrain, TSnapshot>(
            kind, sp.GetRequiredService<TaskIdMinter>(), listing(sp).ExistsAsync, sp.GetRequiredService<IGrainFactory>()));
}
