using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace TaskOrchestrator.Server.Dashboard;

/// <summary>
/// The Orleans Dashboard on every node at <c>/dashboard</c>, behind HTTP Basic authentication with the account of
/// <see cref="DashboardAccessOptions"/>; not served at all when no password is configured.
/// </summary>
public static class DashboardExtensions
{
    /// <summary>Where the dashboard is served.</summary>
    public const string RoutePrefix = "/dashboard";

    /// <summary>The authentication scheme that guards the dashboard.</summary>
    public const string AuthenticationScheme = "DashboardBasic";

    /// <summary>The authorization policy of the dashboard's routes.</summary>
    public const string Policy = "Dashboard";

    /// <summary>Adds the dashboard to the silo and its authentication, when a password is configured.</summary>
    public static WebApplicationBuilder AddTaskOrchestratorDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardAccessOptions>().BindConfiguration(DashboardAccessOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var access = builder.Configuration.GetSection(DashboardAccessOptions.SectionName).Get<DashboardAccessOptions>() ?? new DashboardAccessOptions();
        if (!access.Enabled)
        {
            return builder;
        }

        // The dashboard's grains and its per-call profiler live in the silo; nodes without a password do not pay for them.
        builder.UseOrleans(silo => silo.AddDashboard());
        builder.Services.AddSingleton<DashboardLoginThrottle>();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(AuthenticationScheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(AuthenticationScheme).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>Maps the dashboard at <see cref="RoutePrefix"/> behind its policy, or logs why it is off.</summary>
    public static WebApplication MapTaskOrchestratorDashboard(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DashboardAccessOptions>>().Value.Enabled)
        {
            app.Logger.LogInformation(
                "The Orleans Dashboard is off: set {Setting} to serve it at {Route} with HTTP Basic authentication",
                $"{DashboardAccessOptions.SectionName}:Password", RoutePrefix);
            return app;
        }

        app.MapOrleansDashboard(routePrefix: RoutePrefix).RequireAuthorization(Policy).ExcludeFromDescription();
        return app;
    }
}
