using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Server.Dashboard;

/// <summary>
/// Who may open the Orleans Dashboard at <c>/dashboard</c> (HTTP Basic authentication), and how failed logins are
/// throttled per client address. Section
/// <c>TaskOrchestrator:Dashboard</c>. Without a <see cref="Password"/> the dashboard is not served at all (404), so
/// it is never open by accident.
/// </summary>
public sealed class DashboardAccessOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Dashboard";

    /// <summary>The user name the browser must give. Default <c>admin</c>.</summary>
    [Required]
    public string Username { get; set; } = "admin";

    /// <summary>
    /// The password the browser must give, at least 8 characters; none (or empty) by default, which leaves the dashboard
    /// off. Pass it as a secret (environment variable <c>TaskOrchestrator__Dashboard__Password</c>), not in appsettings.json.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>
    /// Failed logins one client address may make within <see cref="FailedLoginWindow"/>; after them, its attempts are
    /// refused with 429 and Retry-After, without the password being checked, until that window ends. Default 5.
    /// </summary>
    [Range(1, 1000)]
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>The window that starts at a client's first failed login (see <see cref="MaxFailedLogins"/>). Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>True when a password is configured, and with it the dashboard.</summary>
    public bool Enabled => !string.IsNullOrEmpty(Password);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && Password!.Length < 8)
        {
            yield return new ValidationResult($"{nameof(Password)} must have at least 8 characters (or be empty to turn the dashboard off).", [nameof(Password)]);
        }
    }
}
