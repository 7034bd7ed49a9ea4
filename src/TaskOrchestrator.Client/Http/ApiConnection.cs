using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TaskOrchestrator.Client.Http;

/// <summary>Sends the API's requests, reads its JSON, turns its ProblemDetails into exceptions and follows its Link headers.</summary>
internal sealed class ApiConnection(HttpClient http)
{
    /// <summary>The largest page the service returns.</summary>
    public const int MaxPageSize = 1000;

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, ClientJsonContext.Default.GetTypeInfo(body.GetType())!);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        await ThrowIfErrorAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(TypeInfo<T>(), cancellationToken)
            ?? throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode} without a body.");
    }

    /// <summary>Sends a request whose answer has no body (204).</summary>
    public async Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        using var response = await http.SendAsync(request, cancellationToken);
        await ThrowIfErrorAsync(response, cancellationToken);
    }

    /// <summary>Every item of a listing, fetching the next page (the <c>Link: rel="next"</c> of the last) only when it is needed.</summary>
    public async IAsyncEnumerable<T> PagesAsync<T>(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Uri? next = new(path, UriKind.Relative);
        while (next is not null)
        {
            T[] items;
            using (var response = await http.GetAsync(next, cancellationToken))
            {
                await ThrowIfErrorAsync(response, cancellationToken);
                items = await response.Content.ReadFromJsonAsync(TypeInfo<T[]>(), cancellationToken) ?? [];
                next = NextLink(response);
            }

            foreach (var item in items)
            {
                yield return item;
            }
        }
    }

    // RFC 8288: a relative link resolves against the URI of the request it answered.
    private static Uri? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var link in values.SelectMany(v => v.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts[0] is ['<', .., '>'] target && parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "rel=\"next\"" or "rel=next"))
            {
                return new Uri(response.RequestMessage!.RequestUri!, target[1..^1]);
            }
        }

        return null;
    }

    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Problem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = JsonSerializer.Deserialize(text, ClientJsonContext.Default.Problem);
            }
            catch (JsonException)
            {
                // Not a ProblemDetails after all (a proxy's answer): described below from the status and raw text.
            }
        }

        var title = problem?.Title ?? response.ReasonPhrase;
        var detail = problem?.Detail ?? (problem is null && text.Length > 0 ? text[..Math.Min(text.Length, 500)] : null);
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => new TaskOrchestratorNotFoundException(title, detail, problem?.Type),
            HttpStatusCode.Conflict => new TaskOrchestratorConflictException(title, detail, problem?.Type),
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new TaskOrchestratorValidationException(
                title, detail, problem?.Errors ?? new Dictionary<string, string[]>(), problem?.Type),
            _ => new TaskOrchestratorException(response.StatusCode, title, detail, problem?.Type, RetryAfter(response)),
        };
    }

    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)ClientJsonContext.Default.GetTypeInfo(typeof(T))!;

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter is { } retry
            ? retry.Delta ?? (retry.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;
}
