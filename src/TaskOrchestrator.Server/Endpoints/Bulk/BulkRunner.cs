using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Server.Endpoints.Labels;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Server.Endpoints.Bulk;

/// <summary>
/// Carries out a bulk action (<see cref="BulkRequest"/>) for one kind of resource: checks the body, finds the caller's
/// resources (the <c>ids</c> given, or a filter read from the listing a page at a time, newest first), and acts on each
/// through its grain with the caller as owner, so that nobody else's resource is ever touched, whoever calls.
/// </summary>
internal static class BulkRunner
{
    /// <summary>The most resources one call acts on.</summary>
    public const int MaxPerCall = 1000;

    // A filter that matches little (or a createdAfter far back) could read the whole listing: one call reads at most
    // this many pages and answers with a continuation.
    private const int MaxPagesPerCall = 10;

    // Grain calls in flight at once for one bulk call.
    private const int Parallelism = 8;

    /// <summary>Answers a bulk action: 422 naming what is wrong with the body, or 200 with one result per resource.</summary>
    public static async Task<Results<Ok<BulkResponse>, ValidationProblem>> RunAsync<TItem, TStatus>(
        BulkRequest request, ClaimsPrincipal user, IListing<TItem, TStatus> listing, Func<TItem, (Guid Id, DateTimeOffset CreatedAt)> keys,
        Func<Guid, CancellationToken, Task<bool>> known, Func<Guid, string, Task<BulkItemResult>> act, CancellationToken cancellationToken)
        where TStatus : struct, Enum
    {
        var errors = Validate<TStatus>(request, out var ids, out var status, out var labels);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The bulk action is not valid");
        }

        // Always the caller's own resources: an admin's bulk action is no wider than anyone's.
        var owner = user.Subject();
        if (ids is not null)
        {
            var results = await ActAllAsync(ids, async id => await known(id, cancellationToken)
                ? await act(id, owner)
                : new BulkItemResult(id, BulkItemResult.Skipped, BulkItemResult.NotFound));
            return TypedResults.Ok(new BulkResponse(results, null));
        }

        var filter = request.Filter!;
        var limit = request.Limit ?? MaxPerCall;
        var after = request.Continuation ?? (filter.CreatedBefore is { } before ? TaskKeys.CursorBefore(before) : null);
        var done = new List<BulkItemResult>();
        string? next = null;
        for (var pages = 0; pages < MaxPagesPerCall && done.Count < limit; pages++)
        {
            var page = await listing.ListAsync(new ListingQuery<TStatus>(owner, status, limit - done.Count, after, Labels: labels), cancellationToken);
            var matched = new List<Guid>();
            var reachedStart = false;
            foreach (var item in page.Items)
            {
                var (id, createdAt) = keys(item);
                if (filter.CreatedAfter is { } start && createdAt <= start)
                {
                    reachedStart = true;
                    break;
                }

                if (filter.CreatedBefore is not { } end || createdAt < end)
                {
                    matched.Add(id);
                }
            }

            done.AddRange(await ActAllAsync(matched, id => act(id, owner)));
            next = reachedStart ? null : page.Next;
            if (next is null)
            {
                break;
            }

            after = next;
        }

        return TypedResults.Ok(new BulkResponse(done, next));
    }

    private static async Task<BulkItemResult[]> ActAllAsync(IReadOnlyList<Guid> ids, Func<Guid, Task<BulkItemResult>> act)
    {
        var results = new BulkItemResult[ids.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, _) => results[i] = await act(ids[i]));
        return results;
    }

    private static Dictionary<string, string[]> Validate<TStatus>(
        BulkRequest request, out List<Guid>? ids, out TStatus? status, out List<KeyValuePair<string, string>>? labels)
        where TStatus : struct, Enum
    {
        var errors = new Dictionary<string, string[]>();
        (ids, status, labels) = (null, null, null);
        if (request.Ids is null == request.Filter is null)
        {
            errors["body"] = [$"Give exactly one of ids (at most {MaxPerCall}) or filter."];
            return errors;
        }

        if (request.Ids is { } given)
        {
            if (request.Continuation is not null || request.Limit is not null)
            {
                errors["continuation"] = ["continuation and limit go with filter only: ids are all acted on in one call."];
            }

            if (given.Count > MaxPerCall)
            {
                errors["ids"] = [$"At most {MaxPerCall} ids per call; {given.Count} were given."];
                return errors;
            }

            var parsed = new List<Guid>(given.Count);
            for (var i = 0; i < given.Count; i++)
            {
                if (!Guid.TryParse(given[i], out var id))
                {
                    errors[$"ids[{i}]"] = ["Not an id (a GUID)."];
                }
                else if (!parsed.Contains(id))
                {
                    parsed.Add(id);
                }
            }

            ids = parsed;
            return errors;
        }

        var filter = request.Filter!;
        if (request.Limit is < 1 or > MaxPerCall)
        {
            errors["limit"] = [$"limit must be from 1 to {MaxPerCall}."];
        }

        if (request.Continuation is { } continuation && !TaskKeys.IsValidCursor(continuation))
        {
            errors["continuation"] = ["Not a continuation this API returned: pass back the previous answer's continuation as it was."];
        }

        if (filter.Status is { } name)
        {
            if (Enum.TryParse<TStatus>(name, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(name.FirstOrDefault()))
            {
                status = parsed;
            }
            else
            {
                errors["filter.status"] = [$"Unknown status; use one of {string.Join(", ", Enum.GetNames<TStatus>())}."];
            }
        }

        LabelRules.Validate(filter.Labels, errors, "filter.labels");
        if (filter.Labels is { Count: > 0 } pairs && !errors.ContainsKey("filter.labels"))
        {
            labels = [.. LabelRules.ToLabels(pairs)!];
        }

        if (filter.CreatedAfter is { } after && filter.CreatedBefore is { } before && after >= before)
        {
            errors["filter.createdAfter"] = ["createdAfter must be before createdBefore."];
        }

        return errors;
    }
}
