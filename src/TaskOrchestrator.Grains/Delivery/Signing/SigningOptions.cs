using System.ComponentModel.DataAnnotations;
using System.Text;

namespace TaskOrchestrator.Delivery.Signing;

/// <summary>
/// The master secrets every call is signed from (see <see cref="DeliverySignature"/>): each owner's keys are derived
/// from them (<see cref="OwnerSigningKeys"/>), and no target ever needs a master key. Section
/// <c>TaskOrchestrator:Delivery:Signing</c>.
/// </summary>
/// <remarks>
/// Every key listed is active: each call carries one signature per key, so a target that knows the owner's key derived
/// from any one of them can verify it. To rotate, add the new key after the old one, let owners fetch their new key
/// (<c>GET /signing-keys</c> lists it as next) and give it to their targets, then remove the old one.
/// </remarks>
public sealed class SigningOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Delivery:Signing";

    /// <summary>The shortest key accepted, in UTF-8 bytes: 32, the size of an HMAC-SHA256 output.</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>At most two keys are active: the current one and, during a rotation, the next one.</summary>
    public const int MaximumKeys = 2;

    /// <summary>
    /// The signing secrets, each used as the UTF-8 bytes of the string (no base64 decoding), at least
    /// <see cref="MinimumKeyBytes"/> long; at most <see cref="MaximumKeys"/>. Default none: calls go unsigned and
    /// the silo warns at start. Production must set one (<c>TaskOrchestrator:Delivery:Signing:Keys:0</c>).
    /// </summary>
    public IList<string> Keys { get; } = new List<string>();

    /// <summary>
    /// Also send the first scheme's <c>v1=</c> signatures (<see cref="LegacyDeliverySignature"/>), made with the master
    /// keys themselves, for targets still migrating. Default false. Unsafe with more than one tenant: every target that
    /// verifies <c>v1</c> holds a master key, so it can sign calls that any other target verifying <c>v1</c> accepts.
    /// </summary>
    public bool LegacyV1 { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys.Count > MaximumKeys)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Keys)} lists {Keys.Count} keys; at most {MaximumKeys} may be active (the current key and, while rotating, the next).",
                [nameof(Keys)]);
        }

        for (var i = 0; i < Keys.Count; i++)
        {
            // The message names the key's position and length, never its value.
            var length = Keys[i] is { } key ? Encoding.UTF8.GetByteCount(key) : 0;
            if (length < MinimumKeyBytes || string.IsNullOrWhiteSpace(Keys[i]))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(Keys)}:{i} is {length} bytes long; a signing key needs at least {MinimumKeyBytes} " +
                    "(for example the output of `openssl rand -base64 32`, used as the text it is).",
                    [nameof(Keys)]);
            }
        }
    }
}
