namespace TaskOrchestrator.Retention;

/// <summary>
/// One pass of the retention sweep, without Orleans: reads the expiry rows due now (at most
/// <see cref="RetentionOptions.SweepBatch"/>), asks each resource (task or orchestration, by the row's kind) to expire
/// (<paramref name="expire"/>, a few at a time), and deletes the rows of those that are gone or whose row is stale. A
/// resource that stays (a callback owed, a step call in flight) keeps its row for a later pass; a pending task has no
/// row, and an orchestration that is not finished (retried) answers Stale and stays.
/// </summary>
/// <remarks>
/// Every step is idempotent, so a pass that stops anywhere (a crash, a timeout) is finished by the next one: a task
/// removed whose row was not deleted answers <see cref="ExpiryOutcome.Gone"/> and its row goes then. The cost is that
/// of the expired rows: one range read per pass, the task's own deletes, and one batch delete per bucket.
/// </remarks>
public sealed class RetentionSweep(IExpiryIndex index, Func<ExpiryEntry, Task<ExpiryOutcome>> expire, TimeProvider time, RetentionOptions options)
{
    /// <summary>Sweeps once.</summary>
    public async Task<SweepResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var due = await index.DueAsync(time.GetUtcNow(), options.SweepBatch, cancellationToken);
        var outcomes = new ExpiryOutcome[due.Count];
        using var slots = new SemaphoreSlim(options.SweepParallelism);
        await Task.WhenAll(due.Select(async (entry, i) =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                outcomes[i] = await expire(entry);
            }
            finally
            {
                slots.Release();
            }
        }));

        var done = due.Where((_, i) => outcomes[i] != ExpiryOutcome.Kept).ToArray();
        await index.RemoveAsync(done, cancellationToken);
        return new SweepResult(
            due.Count, outcomes.Count(o => o == ExpiryOutcome.Removed), outcomes.Count(o => o == ExpiryOutcome.Gone), outcomes.Count(o => o == ExpiryOutcome.Kept),
            due.Count == options.SweepBatch, outcomes.Count(o => o == ExpiryOutcome.Stale));
    }
}
