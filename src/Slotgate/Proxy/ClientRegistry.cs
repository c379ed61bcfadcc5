using System.Collections.Concurrent;

namespace Slotgate.Proxy;

/// <summary>Every connected client by id, for commands that name another client (CLIENT UNBLOCK).</summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, ClientSession> _sessions = new();

    public int Count => _sessions.Count;

    public void Add(ClientSession session) => _sessions[session.Info.Id] = session;

    public void Remove(ClientSession session) => _sessions.TryRemove(session.Info.Id, out _);

    public ClientSession? Find(long id) => _sessions.GetValueOrDefault(id);

    /// <summary>A snapshot of every session (allocates; for periodic sweeps, not per command).</summary>
    public ICollection<ClientSession> Snapshot() => _sessions.Values;

    /// <summary>Every connected client, ordered by id (CLIENT LIST, <c>/clients</c>).</summary>
    public IReadOnlyList<ClientSession> All() => [.. _sessions.Values.OrderBy(s => s.Info.Id)];
}
