namespace TaskOrchestrator.Client;

/// <summary>Where the service is and how to authenticate to it.</summary>
public sealed class TaskOrchestratorClientOptions
{
    /// <summary>The service's root, e.g. <c>http://127.0.0.1:5080/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>A fixed bearer token (a JWT with a <c>sub</c> claim). Ignored when <see cref="AccessTokenProvider"/> is set.</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Gets the bearer token for each request (e.g. from an identity provider's token cache); null sends none.
    /// Its <see cref="IServiceProvider"/> is the application's, to resolve a token service from.
    /// </summary>
    public Func<IServiceProvider, CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }
}
