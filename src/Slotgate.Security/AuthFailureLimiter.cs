namespace Slotgate.Security;

/// <summary>
/// Counts failed authentications per client address in fixed one-minute windows; past the limit, that address's
/// AUTH attempts are refused without checking the password until the window ends, so guessing passwords is slow
/// even over many connections. The table is bounded: expired windows are dropped when it grows large.
/// </summary>
internal sealed class AuthFailureLimiter(int maxFailuresPerMinute, TimeProvider time)
{
    private const int MaxTrackedAddresses = 100_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (long WindowStart, int Failures)> _byAddress = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>How long <paramref name="address"/> must wait before trying again; zero when it may try now.</summary>
    public TimeSpan RetryAfter(string address)
    {
        if (maxFailuresPerMinute <= 0)
        {
            return TimeSpan.Zero;
        }
        lock (_gate)
        {
            if (!_byAddress.TryGetValue(address, out var entry) || entry.Failures < maxFailuresPerMinute)
            {
                return TimeSpan.Zero;
            }
            TimeSpan elapsed = time.GetElapsedTime(entry.WindowStart);
            return elapsed >= Window ? TimeSpan.Zero : Window - elapsed;
        }
    }

    public void RecordFailure(string address)
    {
        if (maxFailuresPerMinute <= 0)
        {
            return;
        }
        lock (_gate)
        {
            long now = time.GetTimestamp();
            if (!_byAddress.TryGetValue(address, out var entry) || time.GetElapsedTime(entry.WindowStart) >= Window)
            {
                if (_byAddress.Count >= MaxTrackedAddresses)
                {
                    Prune();
                }
                entry = (now, 0);
            }
            _byAddress[address] = (entry.WindowStart, entry.Failures + 1);
        }
    }

    private void Prune()
    {
        foreach ((string address, (long start, int _)) in _byAddress.ToArray())
        {
            if (time.GetElapsedTime(start) >= Window)
            {
                _byAddress.Remove(address);
            }
        }
        if (_byAddress.Count >= MaxTrackedAddresses)
        {
            // Every entry is recent (a flood from very many addresses): forget them all rather than grow.
            _byAddress.Clear();
        }
    }
}
