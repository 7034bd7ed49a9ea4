namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>
/// The HTTP call every peer's job makes: a <c>POST</c> without a body to the task's URL, as our service sends a task
/// that names no method or body, through one shared <see cref="HttpClient"/> (pooled connections, as
/// <c>IHttpClientFactory</c> gives our service), reading the answer.
/// </summary>
internal static class PeerCall
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static long _completed;
    private static long _failed;

    /// <summary>Calls that got a 2xx answer so far, warm-up included.</summary>
    public static long Completed => Interlocked.Read(ref _completed);

    /// <summary>Calls that failed so far (the peer may retry them).</summary>
    public static long Failed => Interlocked.Read(ref _failed);

    public static async Task PostAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.PostAsync(new Uri(url), content: null, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            response.EnsureSuccessStatusCode();
            Interlocked.Increment(ref _completed);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _failed);
            throw;
        }
    }
}
