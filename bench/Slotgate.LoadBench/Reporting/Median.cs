namespace Slotgate.LoadBench.Reporting;

/// <summary>Median of the rounds: one noisy round (a GC pause, another process) moves it less than it moves a mean.</summary>
internal static class Median
{
    public static double Of(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
