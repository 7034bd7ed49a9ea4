using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Quotas;
using TaskOrchestrator.Server.Auth;

namespace TaskOrchestrator.Server.Limits;

/// <summary>
/// The pending caps (<see cref="PendingLimitOptions"/>) at the create routes: a place is reserved with the owner's
/// <see cref="IOwnerQuotaGrain"/> before creating, and given back unless the create succeeds. Admins are exempt.
/// </summary>
internal sealed class PendingQuota(IGrainFactory grains, IOptions<PendingLimitOptions> options)
{
    private readonly PendingLimitOptions _options = options.Value;

    /// <summary>Reserves a place for one more <paramref name="kind"/> of the caller, or says why not (429 with Retry-After).</summary>
    public async Task<PendingReservation> ReserveAsync(HttpContext context, PendingKind kind)
    {
        var reservation = await ReserveAsync(context.User, kind);
        if (reservation.Problem is not null)
        {
            context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return reservation;
    }

    /// <summary>
    /// Reserves a place for one more <paramref name="kind"/> of <paramref name="user"/>, or says why not (the 429 answer,
    /// without touching the response: a bulk action reports a refusal per item).
    /// </summary>
    public async Task<PendingReservation> ReserveAsync(ClaimsPrincipal user, PendingKind kind)
    {
        if (user.IsAdmin())
        {
            return PendingReservation.Exempt;
        }

        var owner = user.Subject();
        var limit = _options.Limit(kind);
        var grain = grains.GetGrain<IOwnerQuotaGrain>(OwnerQuotaKey.For(owner));
        var admission = await grain.TryReserveAsync(owner, kind, limit);
        return admission.Admitted ? PendingReservation.Held(grain, kind) : PendingReservation.Refused(AtCap(kind, admission.Pending, limit));
    }

    private ProblemHttpResult AtCap(PendingKind kind, long pending, long limit)
    {
        var extra = new Dictionary<string, object?> { ["limit"] = limit, ["pending"] = pending };
        if (kind == PendingKind.Schedule)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Over the schedules limit",
                detail: string.Create(CultureInfo.InvariantCulture, $"This owner has {pending} schedules; the limit per owner is {limit}. Delete some and retry."),
                extensions: extra);
        }

        var what = kind == PendingKind.Task ? "tasks" : "orchestrations";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: $"Over the pending {what} limit",
            detail: string.Create(
                CultureInfo.InvariantCulture,
                $"This owner has {pending} {what} Scheduled or Running; the limit of pending {what} per owner is {limit}. " +
                $"Wait for some to finish (or cancel some) and retry in {_options.RetryAfterSeconds} s."),
            extensions: extra);
    }
}
