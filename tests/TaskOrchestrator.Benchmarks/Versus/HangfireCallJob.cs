namespace TaskOrchestrator.Benchmarks.Versus;

/// <summary>Hangfire's job: a public static method, as Hangfire stores a job as a method to call by name.</summary>
public static class HangfireCallJob
{
    public static Task CallAsync(string url) => PeerCall.PostAsync(url, CancellationToken.None);
}
