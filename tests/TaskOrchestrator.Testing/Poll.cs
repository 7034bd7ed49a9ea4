using System.Diagnostics;

namespace TaskOrchestrator.Testing;

/// <summary>Waiting with a deadline: never a fixed sleep.</summary>
public static class Poll
{
    /// <summary>Checks <paramref name="condition"/> every 20 ms until it holds; fails naming what was expected.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string expected)
    {
        await UntilAsync(() => Task.FromResult(condition()), timeout, expected);
    }

    /// <summary>Checks <paramref name="condition"/> every 20 ms until it holds; fails naming what was expected.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string expected)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Expected {expected} within {timeout.TotalSeconds:0.#} s; it did not happen.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Polls <paramref name="probe"/> until its value satisfies <paramref name="condition"/>, and returns that value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string expected)
    {
        T value = default!;
        await UntilAsync(async () => condition(value = await probe()), timeout, expected);
        return value;
    }
}
