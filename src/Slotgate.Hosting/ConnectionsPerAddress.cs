namespace Slotgate.Hosting;

/// <summary>
/// Open client connections per source IP address, for <c>limits.maxClientsPerAddress</c>: one address (a runaway
/// deployment, a connection flood) cannot take all of <c>limits.maxClients</c>. Shared by every listener.
/// </summary>
internal sealed class ConnectionsPerAddress(int max)
{
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int Max => max;

    /// <summary>Counts a new connection from <paramref name="address"/>; false (and not counted) when it is one too many.</summary>
    public bool TryAdd(string address)
    {
        if (max <= 0)
        {
            return true;
        }
        lock (_gate)
        {
            int open = _open.GetValueOrDefault(address);
            if (open >= max)
            {
                return false;
            }
            _open[address] = open + 1;
            return true;
        }
    }

    public void Remove(string address)
    {
        if (max <= 0)
        {
            return;
        }
        lock (_gate)
        {
            // Entries go when their last connection does, so the table holds only addresses connected now.
            if (_open.TryGetValue(address, out int open) && open > 1)
            {
                _open[address] = open - 1;
            }
            else
            {
                _open.Remove(address);
            }
        }
    }
}
