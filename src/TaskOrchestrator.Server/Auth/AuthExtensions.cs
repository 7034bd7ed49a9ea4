using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace TaskOrchestrator.Server.Auth;

/// <summary>
/// JWT bearer authentication. Settings come from <c>Authentication:Schemes:Bearer</c> (Authority, ValidAudiences,
/// ValidIssuer, SigningKeys), which is also where <c>dotnet user-jwts</c> puts its development key.
/// </summary>
public static class AuthExtensions
{
    /// <summary>The policy every task route requires: an authenticated caller with a subject.</summary>
    public const string TaskOwnerPolicy = "TaskOwner";

    /// <summary>The policy of operator routes: an authenticated caller with the admin role.</summary>
    public const string AdminPolicy = "Admin";

    /// <summary>Adds bearer authentication and the task-owner policy; failures answer with ProblemDetails.</summary>
    public static IServiceCollection AddTaskOrchestratorAuth(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                // Keep claim names as the token has them ("sub", "role"), rather than mapped to long URIs.
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = TaskClaims.SubjectClaim;
                o.TokenValidationParameters.RoleClaimType = TaskClaims.RoleClaim;
                o.Events = new JwtBearerEvents
                {
                    // The subject becomes the owner of every row the caller creates: one that cannot name an owner is no identity.
                    OnTokenValidated = context =>
                    {
                        if (context.Principal is { } principal && TaskClaims.SubjectProblem(principal) is { } problem)
                        {
                            context.Fail(new InvalidSubjectException(problem));
                        }

                        return Task.CompletedTask;
                    },
                    OnChallenge = context =>
                    {
                        context.HandleResponse();
                        var detail = context.AuthenticateFailure switch
                        {
                            null => "A bearer token is required (Authorization: Bearer <token>).",
                            InvalidSubjectException subject => $"The bearer token was rejected: {subject.Message}.",
                            _ => $"The bearer token was rejected: {(string.IsNullOrEmpty(context.ErrorDescription) ? context.Error ?? "invalid token" : context.ErrorDescription)}.",
                        };
                        return WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
                    },
                    OnForbidden = context => WriteProblemAsync(
                        context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden",
                        "The token does not grant this: task routes need a subject ('sub') claim, operator routes the admin role."),
                };
            });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IConfiguration, IHostEnvironment>((o, configuration, environment) =>
            {
                if (environment.IsDevelopment())
                {
                    // `dotnet user-jwts create` may add its key while the server runs: read the keys at each validation.
                    var keys = configuration.GetSection("Authentication:Schemes:Bearer:SigningKeys");
                    o.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keys.GetChildren()
                        .Select(k => k["Value"])
                        .Where(v => !string.IsNullOrEmpty(v))
                        .Select(v => new SymmetricSecurityKey(Convert.FromBase64String(v!)));
                }
            });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<TimeProvider>((o, time) =>
            {
                // A client sends the same token with every request: validate each token once (see ValidatedTokenCache).
                var handlers = o.TokenHandlers.Select(h => h is ValidatedTokenCache ? h : new ValidatedTokenCache(h, time)).ToList();
                o.TokenHandlers.Clear();
                handlers.ForEach(o.TokenHandlers.Add);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(TaskOwnerPolicy, p => p.RequireAuthenticatedUser().RequireClaim(TaskClaims.SubjectClaim))
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.IsAdmin()));
        return services;
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    /// <summary>A token refused for its subject; the message says why and is shown to the caller.</summary>
    private sealed class InvalidSubjectException(string message) : Exception(message);
}
