using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// How calls of tasks that ask for <see cref="Tasks.TargetAuthentication.AwsSigV4"/> are signed (Lambda function URLs
/// with <c>AuthType: AWS_IAM</c>). Section <c>TaskOrchestrator:Delivery:Aws</c>.
/// </summary>
public sealed class AwsSigningOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Delivery:Aws";

    /// <summary>
    /// The region of the targets, e.g. <c>eu-west-1</c>. Default none: a SigV4 task's attempt then fails
    /// (<see cref="Tasks.DeliveryFailure.InvalidRequest"/>) saying so, and tasks without SigV4 are unaffected.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// The hosts a call may be signed for, as patterns (see <see cref="AwsHostAllowlist"/>): a host name or address that
    /// matches exactly (case-insensitive, a trailing dot ignored), or <c>*.</c> and a name, which matches every host
    /// ending in <c>.</c> and that name with one or more labels before it. Default empty, which means
    /// <c>*.lambda-url.{Region}.on.aws</c>: the Lambda function URLs of <see cref="Region"/>. A list given here replaces
    /// that default. Without <see cref="Region"/> no host is allowed.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>The signing name of the service called. Default <c>lambda</c> (function URLs).</summary>
    [Required]
    public string Service { get; set; } = "lambda";

    /// <summary>
    /// An access key id; with <see cref="SecretAccessKey"/> (and <see cref="SessionToken"/> for temporary
    /// credentials). Default none: the AWS SDK's default credential chain is used (environment variables, profile,
    /// web identity, container or instance role).
    /// </summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key that goes with <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>The session token of temporary credentials, with <see cref="AccessKeyId"/> and <see cref="SecretAccessKey"/>.</summary>
    public string? SessionToken { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(AccessKeyId) != string.IsNullOrEmpty(SecretAccessKey))
        {
            yield return new ValidationResult(
                $"{SectionName}: set both {nameof(AccessKeyId)} and {nameof(SecretAccessKey)}, or neither (to use the AWS SDK's default credential chain).",
                [nameof(AccessKeyId), nameof(SecretAccessKey)]);
        }

        for (var i = 0; i < AllowedHosts.Length; i++)
        {
            if (!AwsHostAllowlist.IsPattern(AllowedHosts[i]))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(AllowedHosts)}:{i} '{AllowedHosts[i]}' is not a host pattern: give a host such as " +
                    "abc.lambda-url.eu-west-1.on.aws, or *.lambda-url.eu-west-1.on.aws for every host below lambda-url.eu-west-1.on.aws " +
                    "(no scheme, port, path or other wildcard).",
                    [nameof(AllowedHosts)]);
            }
        }

        if (!string.IsNullOrEmpty(SessionToken) && string.IsNullOrEmpty(AccessKeyId))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(SessionToken)} needs {nameof(AccessKeyId)} and {nameof(SecretAccessKey)} too.",
                [nameof(SessionToken)]);
        }
    }
}
