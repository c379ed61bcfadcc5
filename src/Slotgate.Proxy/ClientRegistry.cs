using System.Collections.Concurrent;

namespace Slotgate.Proxy;

/// <summary>Every connected client by id, for commands that name another client (CLIENT UNBLOCK).</summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, ClientSession> _sessions = new();
    private long _closedBytesIn;
    private long _closedBytesOut;

    public int Count => _sessions.Count;

    public void Add(ClientSession session) => _sessions[session.Info.Id] = session;

    /// <summary>Called once the session's loops have ended, so its byte counts are final.</summary>
    public void Remove(ClientSession session)
    {
        // Under the lock Bytes() takes: a session leaving during a count is counted exactly once, so the counters
        // never step back (Prometheus would read that as a reset). Once per connection, never per command.
        lock (_sessions)
        {
            if (_sessions.TryRemove(session.Info.Id, out _))
            {
                _closedBytesIn += session.BytesIn;
                _closedBytesOut += session.BytesOut;
            }
        }
    }

    /// <summary>Bytes read from and written to every client since start: closed connections' totals plus the open ones'.</summary>
    public (long In, long Out) Bytes()
    {
        lock (_sessions)
        {
            long bytesIn = _closedBytesIn;
            long bytesOut = _closedBytesOut;
            foreach (ClientSession session in _sessions.Values)
            {
                bytesIn += session.BytesIn;
                bytesOut += session.BytesOut;
            }
            return (bytesIn, bytesOut);
        }
    }

    public ClientSession? Find(long id) => _sessions.GetValueOrDefault(id);

    /// <summary>A snapshot of every session (allocates; for periodic sweeps, not per command).</summary>
    public ICollection<ClientSession> Snapshot() => _sessions.Values;

    /// <summary>Every connected client, ordered by id (CLIENT LIST, <c>/clients</c>).</summary>
    public IReadOnlyList<ClientSession> All() => [.. _sessions.Values.OrderBy(s => s.Info.Id)];
}
