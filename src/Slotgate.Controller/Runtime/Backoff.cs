namespace Slotgate.Controller.Runtime;

/// <summary>Bounded exponential back-off: <c>initial</c>, doubling per failure up to <c>max</c>, with up to 20% jitter.</summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private int _failures;

    public TimeSpan Next()
    {
        double factor = Math.Pow(2, Math.Min(_failures++, 30));
        double milliseconds = Math.Min(initial.TotalMilliseconds * factor, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(milliseconds * (1 + (Random.Shared.NextDouble() * 0.2)));
    }

    public void Reset() => _failures = 0;

    /// <summary>The delay after <paramref name="failures"/> consecutive failures, without jitter.</summary>
    public static TimeSpan After(int failures, TimeSpan initial, TimeSpan max) =>
        TimeSpan.FromMilliseconds(Math.Min(initial.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 30)), max.TotalMilliseconds));
}
