using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using TaskOrchestrator.Server.Dashboard;

namespace TaskOrchestrator.Server.WebConsole;

/// <summary>
/// The task console: static pages at <see cref="Path"/> that use only the public REST API with the signed-in person's
/// bearer token (docs/console.md). The pages themselves are anonymous: they hold no data.
/// </summary>
public static class ConsoleExtensions
{
    /// <summary>Where the console is served.</summary>
    public const string Path = "/console";

    /// <summary>Adds the console's options (<see cref="ConsoleOptions"/>) and its files.</summary>
    public static WebApplicationBuilder AddTaskConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.SectionName)
            .PostConfigure<IConfiguration>((o, configuration) => o.Authority ??= configuration["Authentication:Schemes:Bearer:Authority"])
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => ConsolePage.Load(sp.GetRequiredService<IOptions<ConsoleOptions>>().Value));
        return builder;
    }

    /// <summary>Serves the console's files and <c>GET /console/config.json</c>, with headers that keep its pages to themselves.</summary>
    public static WebApplication MapTaskConsole(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var page = app.Services.GetRequiredService<ConsolePage>();
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".mjs"] = "text/javascript";
        types.Mappings[".map"] = "application/json";
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), console =>
        {
            console.Use((context, next) =>
            {
                SetSecurityHeaders(context.Response.Headers, page.ContentSecurityPolicy);
                return next(context);
            });
            console.UseDefaultFiles(new DefaultFilesOptions { RequestPath = Path, FileProvider = page.Files });
            console.UseStaticFiles(new StaticFileOptions
            {
                RequestPath = Path,
                FileProvider = page.Files,
                ContentTypeProvider = types,

                // Each file is checked again before use (a 304 when unchanged), so a node that was upgraded serves its own console.
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
            });
        });

        app.MapGet($"{Path}/config.json", (IOptions<ConsoleOptions> console, IOptions<DashboardAccessOptions> dashboard, IHostEnvironment environment, HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                var o = console.Value;
                return TypedResults.Ok(new ConsoleConfigResource(
                    o.SignsInWithProvider ? new ConsoleConfigResource.SignInProvider(o.Authority!, o.ClientId!, o.Scope) : null,
                    environment.IsDevelopment(),
                    dashboard.Value.Enabled ? $"{DashboardExtensions.RoutePrefix}/" : null));
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static void SetSecurityHeaders(IHeaderDictionary headers, string contentSecurityPolicy)
    {
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
    }
}
