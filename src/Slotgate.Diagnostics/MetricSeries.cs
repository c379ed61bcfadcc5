namespace Slotgate.Diagnostics;

/// <summary>One time series of a counter or gauge (one combination of tag values). Updated from any thread.</summary>
internal sealed class MetricSeries(KeyValuePair<string, object?>[] tags)
{
    private double _value;

    public KeyValuePair<string, object?>[] Tags { get; } = tags;

    public double Value => Volatile.Read(ref _value);

    public void Add(double delta)
    {
        double current = Volatile.Read(ref _value);
        while (true)
        {
            double seen = Interlocked.CompareExchange(ref _value, current + delta, current);
            if (seen.Equals(current))
            {
                return;
            }
            current = seen;
        }
    }

    public void Set(double value) => Volatile.Write(ref _value, value);
}
