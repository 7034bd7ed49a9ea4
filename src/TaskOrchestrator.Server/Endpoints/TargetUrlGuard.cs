using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Delivery.Signing;
using TaskOrchestrator.Network;
using TaskOrchestrator.Orchestrations;
using TaskOrchestrator.Server.Auth;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Server.Endpoints;

/// <summary>
/// The create-time checks of a request's target URLs, each refused with 422 naming the URL's field: a host that is a
/// literal address the network policy blocks (the SSRF guard; host names are not resolved here, the delivery client
/// checks what they resolve to when it connects), and, for a URL whose calls are signed with AWS SigV4, a host that
/// is not on the AWS allowlist (<see cref="AwsHostAllowlist"/>, narrowed by the caller's <c>aws_hosts</c> claim).
/// </summary>
internal static class TargetUrlGuard
{
    /// <summary>
    /// A URL of a request, named by its JSON path, with the authentication its calls use; null when the request does not
    /// decide it (an orchestration's PATCH that leaves the delivery settings as stored: the call-time check covers it).
    /// </summary>
    public readonly record struct Target(string Field, string? Url, TargetAuthentication? Authentication);

    /// <summary>The target of a task a request asks for.</summary>
    public static IEnumerable<Target> TargetsOf(TaskDefinition task) =>
        [new("taskURL", task.Url, task.Delivery?.Authentication), new("callback.url", task.Callback?.Url, null)];

    /// <summary>
    /// The targets of an orchestration a request asks for: each step, check and fallback URL, with the authentication
    /// its calls use; the default check's URL is named by <paramref name="checkUrlField"/>, the field the caller gave it in.
    /// </summary>
    public static IEnumerable<Target> TargetsOf(OrchestrationDefinition orchestration, string checkUrlField) => TargetsOf(
        orchestration.Steps, orchestration.ConditionCheck, orchestration.FallbackUrl, orchestration.Delivery?.Authentication, checkUrlField)
        .Append(new("callback.url", orchestration.Callback?.Url, null));

    /// <summary>
    /// The targets of a change a request asks for, as <see cref="TargetsOf(OrchestrationDefinition, string)"/>. A fallback
    /// whose change leaves the delivery settings as stored has none here: the call-time check covers it.
    /// </summary>
    public static IEnumerable<Target> TargetsOf(OrchestrationChange change, string checkUrlField) =>
        TargetsOf(change.Steps, change.ConditionCheck, change.FallbackUrl, change.Delivery?.Authentication, checkUrlField);

    // Fallbacks use the orchestration's own delivery settings (fallbackAuthentication).
    private static IEnumerable<Target> TargetsOf(
        IReadOnlyList<OrchestrationStepDefinition>? steps, ConditionCheckDefinition? check, string? fallbackUrl, TargetAuthentication? fallbackAuthentication,
        string checkUrlField)
    {
        yield return new("fallbackTaskURL", fallbackUrl, fallbackAuthentication);
        if (check is not null)
        {
            yield return new(checkUrlField, check.Url, check.Delivery?.Authentication);
        }

        for (var i = 0; i < (steps?.Count ?? 0); i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"tasks[{i}]");
            var step = steps![i];
            yield return new($"{path}.taskURL", step.Url, step.Delivery?.Authentication);
            yield return new($"{path}.conditionCheck.taskURL", step.ConditionCheck?.Url, step.ConditionCheck?.Delivery?.Authentication);
            yield return new($"{path}.fallbackTaskURL", step.FallbackUrl, fallbackAuthentication);
        }
    }

    /// <summary>422 naming every refused target, or null when none is refused.</summary>
    public static ProblemHttpResult? Check(IEnumerable<Target> targets, TargetAddressPolicy policy, AwsHostAllowlist aws, ClaimsPrincipal user)
    {
        var ownerHosts = user.AwsHosts();
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, url, authentication) in targets)
        {
            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                continue;
            }

            string?[] reasons = [NetworkRefusal(uri, policy), authentication == TargetAuthentication.AwsSigV4 ? aws.Refusal(uri, ownerHosts) : null];
            if (reasons.OfType<string>().ToArray() is { Length: > 0 } refused)
            {
                errors[field] = refused;
            }
        }

        if (errors.Count == 0)
        {
            return null;
        }

        var (firstField, firstReason) = errors.First();
        var detail = errors.Count == 1
            ? $"{firstField}: {firstReason[0]}"
            : $"{errors.Count} URLs are refused, {string.Join(", ", errors.Keys)}; the first, {firstField}: {firstReason[0]}";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Target not allowed",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });
    }

    // Only literal addresses; System.Uri has already turned forms such as 2130706433 or 0x7f.1 into 127.0.0.1.
    private static string? NetworkRefusal(Uri uri, TargetAddressPolicy policy)
    {
        if (uri.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6)
            || !IPAddress.TryParse(uri.DnsSafeHost.Trim('[', ']'), out var address))
        {
            return null;
        }

        return policy.Refusal(uri.Host, address) is { } kind
            ? TargetConnector.RefusalMessage(uri.Host, isLiteral: true, [(address, kind)])
            : null;
    }
}
