using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace TaskOrchestrator.Client.Http;

/// <summary>Adds <c>Authorization: Bearer …</c> from <see cref="TaskOrchestratorClientOptions"/> to requests that carry none.</summary>
internal sealed class BearerTokenHandler(IOptionsMonitor<TaskOrchestratorClientOptions> options, IServiceProvider services) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
        {
            var current = options.CurrentValue;
            var token = current.AccessTokenProvider is { } provider ? await provider(services, cancellationToken) : current.AccessToken;
            if (!string.IsNullOrEmpty(token))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
