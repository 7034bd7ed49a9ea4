namespace TaskOrchestrator.Benchmarks;

/// <summary>Summary statistics of a sample, in milliseconds.</summary>
internal sealed record Percentiles(int Count, double P50, double P90, double P99, double P999, double Max, double Min)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Percentiles(sorted.Length, At(0.50), At(0.90), At(0.99), At(0.999), sorted[^1], sorted[0]);
    }

    public override string ToString() =>
        Count == 0 ? "n/a" : $"p50 {P50:0.00}  p90 {P90:0.00}  p99 {P99:0.00}  p99.9 {P999:0.00}  max {Max:0.00}  (min {Min:0.00})";
}
