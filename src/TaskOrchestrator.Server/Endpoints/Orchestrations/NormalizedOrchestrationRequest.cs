namespace TaskOrchestrator.Server.Endpoints.Orchestrations;

/// <summary>
/// An orchestration request in one shape, right after binding: the older top-level names of the default check's
/// settings (<c>conditionCheckTaskURL</c>, <c>timeDelayForConditionCheck</c>, <c>conditionCheckRetries</c>,
/// <c>timeDelayBetweenRetries</c>) are only aliases of <c>conditionCheck</c>'s fields, so they are folded into it here and
/// nothing after this reads them. What folding would lose is kept beside it: the name the caller used for each setting
/// (problems are named by it) and the settings the caller gave under both names (refused).
/// </summary>
/// <param name="Request">The request, its older names folded into <see cref="OrchestrationRequest.ConditionCheck"/>.</param>
/// <param name="DefaultCheck">The paths the default check's problems are named by.</param>
/// <param name="NamedTwice">Each setting given under its older name and its current one, as (older, current).</param>
internal sealed record NormalizedOrchestrationRequest(
    OrchestrationRequest Request, ConditionCheckFields DefaultCheck, IReadOnlyList<(string Older, string Current)> NamedTwice)
{
    private static readonly ConditionCheckFields CurrentNames = ConditionCheckFields.Under("conditionCheck");

    /// <summary>Folds the older names of <paramref name="request"/> into its <c>conditionCheck</c>.</summary>
    public static NormalizedOrchestrationRequest From(OrchestrationRequest request)
    {
        var given = request.ConditionCheck;
        var (url, delay, retries, retryDelay) =
            (request.ConditionCheckTaskUrl, request.TimeDelayForConditionCheck, request.ConditionCheckRetries, request.TimeDelayBetweenRetries);
        if (url is null && delay is null && retries is null && retryDelay is null)
        {
            return new(request, CurrentNames, []);
        }

        var namedTwice = new List<(string, string)>();
        var fields = new ConditionCheckFields(
            NameOf(url is not null, given?.TaskUrl is not null, "conditionCheckTaskURL", CurrentNames.Url),
            CurrentNames.Method,
            NameOf(delay is not null, given?.DelayInMs is not null, "timeDelayForConditionCheck", CurrentNames.Delay),
            NameOf(retries is not null, given?.Retries is not null, "conditionCheckRetries", CurrentNames.Retries),
            NameOf(retryDelay is not null, given?.RetryDelayInMs is not null, "timeDelayBetweenRetries", CurrentNames.RetryDelay),
            CurrentNames.DeliveryPrefix);
        var check = (given ?? new ConditionCheckRequestBody()) with
        {
            TaskUrl = given?.TaskUrl ?? url,
            DelayInMs = given?.DelayInMs ?? delay,
            Retries = given?.Retries ?? retries,
            RetryDelayInMs = given?.RetryDelayInMs ?? retryDelay,
        };
        var folded = request with
        {
            ConditionCheck = check,
            ConditionCheckTaskUrl = null,
            TimeDelayForConditionCheck = null,
            ConditionCheckRetries = null,
            TimeDelayBetweenRetries = null,
        };
        return new(folded, fields, namedTwice);

        // A setting given under both names takes the current one's value. With no conditionCheck object at all, a
        // setting not given is named by its older name too: that is the spelling the caller is using.
        string NameOf(bool olderGiven, bool currentGiven, string older, string current)
        {
            if (olderGiven && currentGiven)
            {
                namedTwice.Add((older, current));
            }

            return (olderGiven && !currentGiven) || given is null ? older : current;
        }
    }
}
