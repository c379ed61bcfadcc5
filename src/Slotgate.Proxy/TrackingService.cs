using System.Buffers;
using Microsoft.Extensions.Logging;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// Client-side caching through Slotgate, kept as one Redis keeps it: a tracking table from each key a tracking client
/// read to the clients that may cache it, and the BCAST clients with their prefixes. The nodes tell Slotgate of every
/// key they change over one invalidation connection each (<see cref="InvalidationNodes"/>, opened only while a client
/// tracks); Slotgate then invalidates exactly the clients that read the key or match a prefix, as RESP3 pushes or on
/// the REDIRECT connection. When a node's changes may have been missed (its connection dropped, a slot moved, a
/// failover) every tracking client is told to flush everything, as Redis does after FLUSHALL.
/// Nothing here runs for a client that does not track: its commands pay one null check.
/// </summary>
internal sealed partial class TrackingService
{
    /// <summary>A NOLOOP client's own write is recognised in a node's invalidation for this long after it was sent.</summary>
    private const long OwnWriteWindowMilliseconds = 1000;

    private readonly object _gate = new();
    private readonly ClientRegistry _clients;
    private readonly ILogger _logger;
    private readonly Dictionary<byte[], List<ClientTracking>> _keys = new(ByteStringComparer.Instance);
    private readonly List<ClientTracking> _tracking = [];
    private readonly Dictionary<byte[], (ClientTracking Writer, long At)> _ownWrites = new(ByteStringComparer.Instance);
    private readonly InvalidationNodes _nodes;
    private readonly List<(ClientSession Target, byte[] Message)> _outbox = []; // sent by Deliver, outside the lock
    private int _noLoopClients;

    public TrackingService(PubSubService pubSub, ClientRegistry clients, long maxKeys, ILogger logger)
    {
        _clients = clients;
        _logger = logger;
        MaxKeys = maxKeys;
        _nodes = new InvalidationNodes(this, pubSub, _gate, logger);
    }

    /// <summary>Keys the tracking table may hold (limits.trackingTableMaxKeys; 0: no limit).</summary>
    public long MaxKeys { get; }

    /// <summary>Clients with tracking on.</summary>
    public int Clients
    {
        get
        {
            lock (_gate)
            {
                return _tracking.Count;
            }
        }
    }

    /// <summary>Keys in the tracking table.</summary>
    public int Keys
    {
        get
        {
            lock (_gate)
            {
                return _keys.Count;
            }
        }
    }

    /// <summary>Nodes Slotgate has an invalidation connection to.</summary>
    public int NodeConnections => _nodes.Count;

    /// <summary>Turns tracking on (or changes its options) for <paramref name="client"/>; the first one opens the nodes' connections.</summary>
    public void Enable(ClientTracking client, long redirect, TrackingModes modes, List<byte[]> prefixes)
    {
        lock (_gate)
        {
            bool first = !client.On && _tracking.Count == 0;
            if (!client.On)
            {
                _tracking.Add(client);
            }
            if (client.NoLoop)
            {
                _noLoopClients--;
            }
            client.On = true;
            client.BrokenRedirect = false;
            client.Redirect = redirect;
            client.Modes = modes;
            if (client.NoLoop)
            {
                _noLoopClients++;
            }
            if (client.Broadcast)
            {
                if (prefixes.Count == 0)
                {
                    prefixes.Add([]);
                }
                foreach (byte[] prefix in prefixes)
                {
                    if (!client.Prefixes.Exists(p => p.AsSpan().SequenceEqual(prefix)))
                    {
                        client.Prefixes.Add(prefix);
                    }
                }
            }
            if (first)
            {
                _nodes.Start();
            }
        }
    }

    /// <summary>Turns tracking off for <paramref name="client"/> (CLIENT TRACKING OFF, RESET, disconnect); the last one closes the nodes' connections.</summary>
    public void Disable(ClientTracking client)
    {
        lock (_gate)
        {
            if (!client.On)
            {
                return;
            }
            _tracking.Remove(client);
            if (client.NoLoop)
            {
                _noLoopClients--;
            }
            client.On = false;
            client.Modes = TrackingModes.None;
            client.BrokenRedirect = client.CachingGiven = false;
            client.NeedsFlush = false;
            client.Redirect = 0;
            client.Prefixes.Clear();
            if (_tracking.Count == 0)
            {
                // Nobody caches any more: forget everything and stop the nodes' tracking (their connections close).
                _nodes.Stop();
                _keys.Clear();
                _ownWrites.Clear();
            }
        }
    }

    /// <summary>Completes <paramref name="request"/> (a CLIENT TRACKING ON) once every node's invalidations reach Slotgate.</summary>
    public void CompleteWhenReady(ProxyRequest request) => _nodes.CompleteWhenReady(request);

    /// <summary>Remembers the keys <paramref name="frame"/> reads for <paramref name="client"/> (default mode).</summary>
    public void RememberKeys(ClientTracking client, RequestFrame frame, CommandInfo command)
    {
        int[] positions = KeyPositions(frame, command, out int count);
        if (count <= 0)
        {
            return;
        }
        lock (_gate)
        {
            if (!client.On)
            {
                return;
            }
            if (!_nodes.Ready)
            {
                client.NeedsFlush = true;
            }
            var lookup = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> key = frame.Arg(positions[i]);
                if (!lookup.TryGetValue(key, out List<ClientTracking>? readers))
                {
                    readers = new List<ClientTracking>(1);
                    _keys[key.ToArray()] = readers;
                }
                if (!readers.Contains(client))
                {
                    readers.Add(client);
                }
            }
            EvictOverLimit();
        }
        Deliver();
    }

    /// <summary>A NOLOOP client writes these keys: the nodes' invalidations of them are not sent back to it.</summary>
    public void NoteOwnWrite(ClientTracking client, RequestFrame frame, CommandInfo command)
    {
        int[] positions = KeyPositions(frame, command, out int count);
        long now = Environment.TickCount64;
        lock (_gate)
        {
            if (_ownWrites.Count > 100_000)
            {
                PruneOwnWrites(now);
            }
            for (int i = 0; i < count; i++)
            {
                _ownWrites[frame.Arg(positions[i]).ToArray()] = (client, now);
            }
        }
    }

    /// <summary>
    /// A node changed <paramref name="keys"/>: each default-mode client that read one is sent its invalidation and
    /// forgets it (unless a command of its own is still under way, which may be reading it again), and each BCAST client
    /// gets the keys that match its prefixes, one message per prefix, as Redis sends them.
    /// </summary>
    public void Invalidate(List<byte[]> keys)
    {
        lock (_gate)
        {
            long now = Environment.TickCount64;
            var writers = _noLoopClients > 0 ? new ClientTracking?[keys.Count] : null;
            for (int k = 0; k < keys.Count; k++)
            {
                byte[] key = keys[k];
                ClientTracking? writer = null;
                if (_ownWrites.Remove(key, out var own) && now - own.At <= OwnWriteWindowMilliseconds)
                {
                    writer = own.Writer;
                }
                if (writers is not null)
                {
                    writers[k] = writer;
                }
                if (!_keys.Remove(key, out List<ClientTracking>? readers))
                {
                    continue;
                }
                List<ClientTracking>? kept = null;
                foreach (ClientTracking reader in readers)
                {
                    if (!reader.On || reader.Broadcast)
                    {
                        continue;
                    }
                    if (reader.NoLoop && reader == writer)
                    {
                        continue;
                    }
                    Send(reader, [key]);
                    if (reader.Session.HasPendingCommands)
                    {
                        (kept ??= []).Add(reader);
                    }
                }
                if (kept is not null)
                {
                    _keys[key] = kept;
                }
            }
            foreach (ClientTracking client in _tracking)
            {
                if (client.Broadcast)
                {
                    InvalidatePrefixes(client, keys, writers);
                }
            }
        }
        Deliver();
    }

    /// <summary>
    /// Everything any tracking client cached may be stale (a node flushed, its invalidations were cut off, slots moved):
    /// each is sent the flush-everything invalidation (a null key list) and the table starts empty.
    /// </summary>
    public void FlushAll(string reason)
    {
        lock (_gate)
        {
            if (_tracking.Count == 0)
            {
                return;
            }
            Log.Flushed(_logger, _tracking.Count, reason);
            foreach (ClientTracking client in _tracking)
            {
                client.NeedsFlush = false;
                Send(client, null);
            }
            _keys.Clear();
        }
        Deliver();
    }

    /// <summary>Every node's invalidations reach Slotgate again: clients that read while they could not are told to flush.</summary>
    internal void FlushClientsThatReadUnseen()
    {
        foreach (ClientTracking client in _tracking)
        {
            if (client.NeedsFlush)
            {
                client.NeedsFlush = false;
                Send(client, null);
            }
        }
    }

    private void InvalidatePrefixes(ClientTracking client, List<byte[]> keys, ClientTracking?[]? writers)
    {
        foreach (byte[] prefix in client.Prefixes)
        {
            List<byte[]>? matched = null;
            for (int k = 0; k < keys.Count; k++)
            {
                if (keys[k].AsSpan().StartsWith(prefix) && !(client.NoLoop && writers is not null && writers[k] == client))
                {
                    (matched ??= []).Add(keys[k]);
                }
            }
            if (matched is not null)
            {
                Send(client, matched);
            }
        }
    }

    /// <summary>
    /// Sends an invalidation of <paramref name="keys"/> (null: of everything) meant for <paramref name="client"/>: to itself in RESP3, or to its REDIRECT target (a push
    /// if the target speaks RESP3, a <c>__redis__:invalidate</c> message if it is a RESP2 subscriber). A redirect target
    /// that is gone makes the client's tracking broken, and a RESP3 client is told so, as Redis does.
    /// </summary>
    private void Send(ClientTracking client, List<byte[]>? keys)
    {
        ClientSession target = client.Session;
        bool redirected = false;
        if (client.Redirect != 0)
        {
            if (_clients.Find(client.Redirect) is not { } redirect)
            {
                client.BrokenRedirect = true;
                if (client.Session.Info.Resp3)
                {
                    _outbox.Add((client.Session, TrackingMessages.RedirectBroken(client.Redirect)));
                }
                return;
            }
            target = redirect;
            redirected = true;
        }
        if (target.Info.Resp3)
        {
            _outbox.Add((target, TrackingMessages.Invalidate(keys, resp3: true)));
        }
        else if (redirected && target.Subscribed)
        {
            _outbox.Add((target, TrackingMessages.Invalidate(keys, resp3: false)));
        }
    }

    /// <summary>
    /// Hands the messages gathered under the lock to their clients, once the lock is released (a push may run the
    /// client's writer inline, and nothing it does may come back into this service while its tables are half updated).
    /// </summary>
    internal void Deliver()
    {
        if (Monitor.IsEntered(_gate))
        {
            return; // the outermost caller delivers
        }
        (ClientSession Target, byte[] Message)[] batch;
        lock (_gate)
        {
            if (_outbox.Count == 0)
            {
                return;
            }
            batch = [.. _outbox];
            _outbox.Clear();
        }
        foreach (var (target, message) in batch)
        {
            target.Push(new ReadOnlySequence<byte>(message));
        }
    }

    /// <summary>Over the cap, keys are forgotten as Redis does it: each one's clients are sent its invalidation first.</summary>
    private void EvictOverLimit()
    {
        while (MaxKeys > 0 && _keys.Count > MaxKeys)
        {
            byte[]? victim = null;
            foreach (byte[] key in _keys.Keys)
            {
                victim = key;
                break;
            }
            _keys.Remove(victim!, out List<ClientTracking>? readers);
            foreach (ClientTracking reader in readers!)
            {
                if (reader.On && !reader.Broadcast)
                {
                    Send(reader, [victim!]);
                }
            }
        }
    }

    /// <summary>Where the keys of a tracking client's command are (allocates: tracking clients only). A key is an argument, so there are fewer than the arguments.</summary>
    private static int[] KeyPositions(RequestFrame frame, CommandInfo command, out int count)
    {
        int[] positions = new int[frame.ArgCount];
        count = Math.Min(command.FindKeys(frame, positions), positions.Length);
        return positions;
    }

    private void PruneOwnWrites(long now)
    {
        List<byte[]> old = [];
        foreach (var (key, write) in _ownWrites)
        {
            if (now - write.At > OwnWriteWindowMilliseconds)
            {
                old.Add(key);
            }
        }
        foreach (byte[] key in old)
        {
            _ownWrites.Remove(key);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 760, Level = LogLevel.Information, Message = "Client-side caching: {Clients} tracking clients told to flush their caches ({Reason})")]
        public static partial void Flushed(ILogger logger, int clients, string reason);
    }
}
