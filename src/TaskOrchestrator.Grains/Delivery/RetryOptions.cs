using System.ComponentModel.DataAnnotations;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Delivery;

/// <summary>
/// The retry policy of a task (or orchestration step or check) that does not give its own, field by field.
/// Section <c>TaskOrchestrator:Delivery:Retry</c>. Applied when the task is created and stored with it.
/// </summary>
public sealed class RetryOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Delivery:Retry";

    /// <summary>The most attempts a policy may allow.</summary>
    public const int MaxAttemptsLimit = 100;

    /// <summary>The longest pause a policy may ask for (initial or maximum delay).</summary>
    public static readonly TimeSpan MaxDelayLimit = TimeSpan.FromHours(24);

    /// <summary>The largest backoff coefficient a policy may ask for.</summary>
    public const double MaxBackoffCoefficient = 10;

    /// <summary>Attempts with an outcome, the first included (1 = never retry). Default 3.</summary>
    [Range(1, MaxAttemptsLimit)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The pause after the first failed attempt. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How much each pause grows over the previous one, 1 to 10. Default 2.</summary>
    [Range(1.0, MaxBackoffCoefficient)]
    public double BackoffCoefficient { get; set; } = 2;

    /// <summary>The longest pause backoff reaches. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The fraction (0 to 1) by which each pause is shortened at random. Default 0.2.</summary>
    [Range(0.0, 1.0)]
    public double Jitter { get; set; } = 0.2;

    /// <summary>
    /// The failures retried: <c>connectionError</c>, <c>timeout</c>, a status code (400-599) or a class (<c>4xx</c>, <c>5xx</c>).
    /// Unset means connectionError, timeout, 408, 429, 5xx (a list in configuration replaces that, it does not add to it).
    /// </summary>
    public List<string>? RetryOn { get; set; }

    /// <summary>The configured policy.</summary>
    public RetryPolicy ToPolicy() => new(MaxAttempts, InitialDelay, BackoffCoefficient, MaxDelay, Jitter, RetryOn is null ? RetryPolicy.DefaultRetryOn : [.. RetryOn]);

    /// <summary>Null when <paramref name="condition"/> is one <see cref="RetryPolicy.RetryOn"/> understands; otherwise why not.</summary>
    public static string? CheckCondition(string? condition) => condition switch
    {
        null or "" => "A retryOn entry is empty.",
        RetryPolicy.ConnectionError or RetryPolicy.Timeout or "4xx" or "5xx" => null,
        _ when condition.Length == 3 && int.TryParse(condition, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) && code is >= 400 and <= 599 => null,
        _ => $"'{condition}' is not a retry condition; use {RetryPolicy.ConnectionError}, {RetryPolicy.Timeout}, 4xx, 5xx or a status code from 400 to 599.",
    };

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxDelay < InitialDelay)
        {
            yield return new ValidationResult($"{nameof(MaxDelay)} ({MaxDelay}) must not be shorter than {nameof(InitialDelay)} ({InitialDelay}).", [nameof(MaxDelay)]);
        }

        foreach (var problem in (RetryOn ?? []).Select(CheckCondition).OfType<string>())
        {
            yield return new ValidationResult(problem, [nameof(RetryOn)]);
        }
    }
}
