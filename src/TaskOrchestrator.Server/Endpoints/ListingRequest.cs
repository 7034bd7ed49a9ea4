using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Listing;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Server.Endpoints.Labels;
using TaskOrchestrator.Server.Endpoints.Schedules;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Server.Endpoints;

/// <summary>
/// The query of a listing route (<c>status</c>, <c>limit</c>, <c>after</c>), checked, and the <c>Link: rel="next"</c>
/// header of its answer: one implementation for every listing route (<see cref="PageAsync"/>).
/// </summary>
/// <typeparam name="TStatus">The status enum the listing filters by.</typeparam>
/// <param name="Status">Only items of this status; null for all.</param>
/// <param name="PageSize">How many items a page holds.</param>
/// <param name="After">The cursor the page starts after; null for the first page.</param>
/// <param name="ScheduleId">Only the runs of this recurring schedule; null for all.</param>
/// <param name="Labels">Only items carrying every one of these labels (<c>label=key:value</c>); null for all.</param>
internal sealed record ListingRequest<TStatus>(
    TStatus? Status, int PageSize, string? After, Guid? ScheduleId = null, IReadOnlyList<KeyValuePair<string, string>>? Labels = null)
    where TStatus : struct, Enum
{
    /// <summary>Page size of a listing unless <c>limit</c> says otherwise.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Largest page a listing returns.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>
    /// Answers a listing route at <paramref name="path"/>: checks its query, reads one page of the caller's resources
    /// (every owner's for an admin) from <paramref name="listing"/>, links the next page, and shows each item as
    /// <paramref name="toResource"/> maps it. With a <paramref name="scheduleId"/> (for the routes whose resources a
    /// schedule creates, given its <paramref name="schedules"/>), only the runs of that schedule. With
    /// <paramref name="labels"/> (<c>label=key:value</c>, all must match), only the caller's own items carrying them (for an
    /// admin too: label rows are kept per owner), read from the rows of the first label.
    /// </summary>
    public static async Task<Results<Ok<TResource[]>, ProblemHttpResult>> PageAsync<TItem, TResource>(
        IListing<TItem, TStatus> listing, string path, string? status, string? limit, string? after, HttpContext context, Func<TItem, TResource> toResource,
        string? scheduleId = null, ScheduleOwners? schedules = null, IReadOnlyList<string?>? labels = null)
    {
        var (request, problem) = Parse(status, limit, after, scheduleId, labels);
        if (request is null)
        {
            return problem!;
        }

        var query = new ListingQuery<TStatus>(context.User.OwnerScope(), request.Status, request.PageSize, request.After);
        if (request.Labels is { } filter)
        {
            query = query with { Owner = context.User.Subject(), Labels = filter };
        }

        if (request.ScheduleId is { } schedule)
        {
            // A schedule's runs are listed in its owner's rows: an admin's listing reads the schedule to find whose.
            var owner = await schedules!.OwnerFor(context.User, schedule, context.RequestAborted);
            if (owner is null)
            {
                return TypedResults.Ok(Array.Empty<TResource>());
            }

            query = query with { Owner = owner, Group = ListingKeys.ScheduleGroup(schedule) };
        }

        var page = await listing.ListAsync(query, context.RequestAborted);
        request.LinkNextPage(context, path, page.Next);
        return TypedResults.Ok(page.Items.Select(toResource).ToArray());
    }

    /// <summary>The checked query, or a 400 ProblemDetails naming what is wrong with it.</summary>
    public static (ListingRequest<TStatus>? Request, ProblemHttpResult? Problem) Parse(
        string? status, string? limit, string? after, string? scheduleId = null, IReadOnlyList<string?>? labels = null)
    {
        var (filter, labelProblem) = LabelRules.ParseFilter(labels);
        if (labelProblem is not null)
        {
            return (null, labelProblem);
        }

        if (filter is not null && scheduleId is not null)
        {
            return (null, RouteProblems.BadRequest("scheduleId cannot be combined with label: a schedule's runs carry its labels, so list by label alone."));
        }

        Guid? schedule = null;
        if (scheduleId is not null)
        {
            if (!Guid.TryParse(scheduleId, out var parsedSchedule))
            {
                return (null, RouteProblems.BadRequest("scheduleId is not a schedule id (a GUID)."));
            }

            if (status is not null)
            {
                return (null, RouteProblems.BadRequest("scheduleId cannot be combined with status: list a schedule's runs, then look at their status."));
            }

            schedule = parsedSchedule;
        }

        TStatus? statusFilter = null;
        if (status is not null)
        {
            if (!Enum.TryParse<TStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsAsciiDigit(status.FirstOrDefault()))
            {
                return (null, RouteProblems.BadRequest($"Unknown status '{status}'; use one of {string.Join(", ", Enum.GetNames<TStatus>())}."));
            }

            statusFilter = parsed;
        }

        var pageSize = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return (null, RouteProblems.BadRequest($"limit must be a whole number from 1 to {MaxPageSize}."));
        }

        if (after is not null && !TaskKeys.IsValidCursor(after))
        {
            return (null, RouteProblems.BadRequest("after is not a cursor this API returned; use the Link header of the previous page."));
        }

        return (new ListingRequest<TStatus>(statusFilter, pageSize, after, schedule, filter), null);
    }

    /// <summary>Points the answer's <c>Link</c> header at the page after <paramref name="next"/> of the listing at <paramref name="path"/>.</summary>
    public void LinkNextPage(HttpContext context, string path, string? next)
    {
        if (next is not null)
        {
            var labels = string.Concat((Labels ?? []).Select(l => $"label={Uri.EscapeDataString(l.Key)}:{Uri.EscapeDataString(l.Value)}&"));
            var query = $"?{(Status is null ? "" : $"status={Status}&")}{(ScheduleId is null ? "" : $"scheduleId={ScheduleId}&")}{labels}limit={PageSize}&after={next}";
            context.Response.Headers.Link = $"<{path}{query}>; rel=\"next\"";
        }
    }
}
