namespace Slotgate.Diagnostics;

/// <summary>
/// One time series of an instrument (one combination of tag values): a value for counters and gauges, or bucket
/// counts, a sum and a count for histograms. Updated from any thread.
/// </summary>
internal sealed class MetricSeries(KeyValuePair<string, object?>[] tags, int buckets)
{
    private readonly long[] _buckets = new long[buckets];
    private double _value;
    private double _sum;
    private long _count;

    public KeyValuePair<string, object?>[] Tags { get; } = tags;

    public double Value => Volatile.Read(ref _value);

    public double Sum
    {
        get
        {
            lock (_buckets)
            {
                return _sum;
            }
        }
    }

    public long Count => Volatile.Read(ref _count);

    public long Bucket(int index) => Volatile.Read(ref _buckets[index]);

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

    public void Observe(double value, int bucket)
    {
        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Increment(ref _count);
        lock (_buckets)
        {
            _sum += value;
        }
    }
}
