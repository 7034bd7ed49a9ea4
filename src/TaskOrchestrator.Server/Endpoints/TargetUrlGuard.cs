using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using TaskOrchestrator.Network;
using TaskOrchestrator.Server.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Tasks;

namespace TaskOrchestrator.Server.Endpoints;

/// <summary>
/// The create-time half of the SSRF guard: a URL whose host is a literal address the network policy blocks is refused
/// with 422. Host names are not resolved here; the delivery client checks what they resolve to when it connects.
/// </summary>
internal static class TargetUrlGuard
{
    /// <summary>422 naming every refused URL of a (valid) task request, or null when none is refused.</summary>
    public static ProblemHttpResult? Check(CreateTaskRequest request, TargetAddressPolicy policy) => Check(policy, [("taskURL", request.TaskUrl)]);

    /// <summary>422 naming every refused URL of a (valid) orchestration request, or null when none is refused.</summary>
    public static ProblemHttpResult? Check(OrchestrationRequest request, TargetAddressPolicy policy)
    {
        var urls = new List<(string Field, string? Url)>
        {
            ("fallbackTaskURL", request.FallbackTaskUrl),
            ("conditionCheck.taskURL", request.ConditionCheck?.TaskUrl),
            ("conditionCheckTaskURL", request.ConditionCheckTaskUrl),
        };
        for (var i = 0; i < (request.Tasks?.Count ?? 0); i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"tasks[{i}]");
            var task = request.Tasks![i];
            urls.Add(($"{path}.taskURL", task?.TaskUrl));
            urls.Add(($"{path}.conditionCheck.taskURL", task?.ConditionCheck?.TaskUrl));
            urls.Add(($"{path}.fallbackTaskURL", task?.FallbackTaskUrl));
        }

        return Check(policy, urls);
    }

    private static ProblemHttpResult? Check(TargetAddressPolicy policy, IEnumerable<(string Field, string? Url)> urls)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, url) in urls)
        {
            if (Refusal(url, policy) is { } reason)
            {
                errors[field] = [reason];
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
    private static string? Refusal(string? url, TargetAddressPolicy policy)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6)
            || !IPAddress.TryParse(uri.DnsSafeHost.Trim('[', ']'), out var address))
        {
            return null;
        }

        return policy.Refusal(uri.Host, address) is { } kind
            ? TargetConnector.RefusalMessage(uri.Host, isLiteral: true, [(address, kind)])
            : null;
    }
}
