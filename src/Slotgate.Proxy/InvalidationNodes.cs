using System.Buffers;
using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// One invalidation connection per primary, open only while some client tracks: a RESP3 connection on which Slotgate
/// sends <c>CLIENT TRACKING ON BCAST</c>, so the node pushes the name of every key it changes (writes, expiries,
/// evictions) and a null on a flush. Slotgate keeps the table of who read what itself, so the shared connections that
/// carry the clients' commands need no tracking of their own. While active it watches the slot map: when a slot's
/// primary changes (a migration, a failover) or an invalidation connection drops, changes may have gone unseen, so
/// every tracking client is told to flush, and connections follow the new primaries. All state is under the
/// <see cref="TrackingService"/>'s lock.
/// </summary>
internal sealed partial class InvalidationNodes
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(5);
    private const long RetryMilliseconds = 1000;

    private readonly TrackingService _service;
    private readonly PubSubService _pubSub;
    private readonly object _gate;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Listener> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastAttempt = new(StringComparer.Ordinal);
    private readonly List<ProxyRequest> _waiting = [];
    private bool _active;
    private Timer? _watch;
    private long _mapVersion = -1;
    private string?[]? _owners;
    private int _primaries;

    public InvalidationNodes(TrackingService service, PubSubService pubSub, object gate, ILogger logger)
    {
        _service = service;
        _pubSub = pubSub;
        _gate = gate;
        _logger = logger;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _nodes.Count;
            }
        }
    }

    /// <summary>True when every primary's changes reach Slotgate (under the lock).</summary>
    public bool Ready
    {
        get
        {
            if (!_active || _nodes.Count == 0 || _nodes.Count < _primaries)
            {
                return false;
            }
            foreach (Listener listener in _nodes.Values)
            {
                if (!listener.Ready)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>The first client tracks: connect to every primary and watch the slot map (under the lock).</summary>
    public void Start()
    {
        _active = true;
        CheckMap();
        _watch = new Timer(_ => Watch(), null, WatchInterval, WatchInterval);
    }

    /// <summary>Nobody tracks any more: close every connection (each node stops tracking it) and stop watching (under the lock).</summary>
    public void Stop()
    {
        _active = false;
        _watch?.Dispose();
        _watch = null;
        foreach (Listener listener in _nodes.Values)
        {
            listener.Connection.Close();
        }
        _nodes.Clear();
        _lastAttempt.Clear();
        _mapVersion = -1;
        _owners = null;
        _primaries = 0;
        CompleteWaiting();
    }

    /// <summary>
    /// Completes a CLIENT TRACKING ON (its +OK written already) once every node's changes reach Slotgate, so the
    /// client's next reads are covered; after <see cref="ReadyTimeout"/> it completes anyway (a client that reads before
    /// then is told to flush once they do).
    /// </summary>
    public void CompleteWhenReady(ProxyRequest request)
    {
        lock (_gate)
        {
            if (!Ready && _active)
            {
                _waiting.Add(request);
                _ = Task.Delay(ReadyTimeout).ContinueWith(_ => CompleteIfWaiting(request), TaskScheduler.Default);
                return;
            }
        }
        request.Complete();
    }

    private void CompleteIfWaiting(ProxyRequest request)
    {
        bool waiting;
        lock (_gate)
        {
            waiting = _waiting.Remove(request);
        }
        if (waiting)
        {
            request.Complete();
        }
    }

    private void CompleteWaiting()
    {
        // Not under the lock: completing may run the client's writer, and its next commands, on this thread.
        foreach (ProxyRequest request in _waiting)
        {
            ThreadPool.QueueUserWorkItem(static waiting => waiting.Complete(), request, preferLocal: false);
        }
        _waiting.Clear();
    }

    private void Watch()
    {
        lock (_gate)
        {
            if (_active)
            {
                CheckMap();
            }
        }
        _service.Deliver();
    }

    /// <summary>Follows the slot map: a slot whose primary changed means every cache may be stale; connects to new primaries.</summary>
    private void CheckMap()
    {
        SlotMap map = _pubSub.Router.Topology.Current;
        if (map.Version != _mapVersion)
        {
            _mapVersion = map.Version;
            var owners = new string?[HashSlot.Count];
            bool moved = false;
            for (int slot = 0; slot < owners.Length; slot++)
            {
                owners[slot] = map.GetShard(slot)?.Primary.Endpoint;
                moved |= _owners is not null && !string.Equals(owners[slot], _owners[slot], StringComparison.Ordinal);
            }
            _owners = owners;
            if (moved)
            {
                _service.FlushAll("the slot map changed");
            }
        }
        var primaries = new HashSet<string>(StringComparer.Ordinal);
        foreach (Shard shard in map.Shards)
        {
            primaries.Add(shard.Primary.Endpoint);
        }
        _primaries = primaries.Count;
        foreach (string endpoint in _nodes.Keys.Where(e => !primaries.Contains(e)).ToList())
        {
            _nodes.Remove(endpoint, out Listener? gone);
            gone!.Connection.Close();
        }
        long now = Environment.TickCount64;
        foreach (string endpoint in primaries)
        {
            if (!_nodes.ContainsKey(endpoint) && now - _lastAttempt.GetValueOrDefault(endpoint, long.MinValue / 2) >= RetryMilliseconds)
            {
                _lastAttempt[endpoint] = now;
                var listener = new Listener(this, _pubSub.HandshakeReplies(resp3: true));
                _nodes[endpoint] = listener;
                listener.Connection = _pubSub.Connect(endpoint, listener, resp3: true);
                listener.Connection.Send("*4\r\n$6\r\nCLIENT\r\n$8\r\nTRACKING\r\n$2\r\nON\r\n$5\r\nBCAST\r\n"u8);
            }
        }
    }

    private void OnReady(Listener listener, string? refused)
    {
        lock (_gate)
        {
            if (!_active || !_nodes.TryGetValue(listener.Connection.Endpoint, out Listener? current) || current != listener)
            {
                return;
            }
            if (refused is not null)
            {
                Log.Refused(_logger, listener.Connection.Endpoint, refused);
            }
            listener.Ready = true;
            if (Ready)
            {
                _service.FlushClientsThatReadUnseen();
                CompleteWaiting();
            }
        }
        _service.Deliver();
    }

    private void OnLost(Listener listener, string error)
    {
        lock (_gate)
        {
            if (!_active || !_nodes.TryGetValue(listener.Connection.Endpoint, out Listener? current) || current != listener)
            {
                return;
            }
            _nodes.Remove(listener.Connection.Endpoint);
            Log.Lost(_logger, listener.Connection.Endpoint, error);
            // Changes on that node may now go unseen: every cache may hold a stale key of it. The watch reconnects.
            _service.FlushAll($"invalidation connection to {listener.Connection.Endpoint} lost");
        }
        _service.Deliver();
    }

    /// <summary>One node's invalidation connection: skips the handshake replies, then the reply to CLIENT TRACKING, then reads pushes.</summary>
    private sealed class Listener(InvalidationNodes owner, int handshakeReplies) : IPushHandler
    {
        private int _frames;

        public PushConnection Connection { get; set; } = null!;

        public bool Ready { get; set; }

        public void OnFrame(PushConnection connection, in ReadOnlySequence<byte> frame)
        {
            if (_frames <= handshakeReplies)
            {
                if (_frames++ == handshakeReplies)
                {
                    owner.OnReady(this, frame.FirstSpan[0] == (byte)'-' ? System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, frame).TrimEnd() : null);
                }
                return;
            }
            if (TrackingMessages.TryReadInvalidation(frame, out List<byte[]>? keys))
            {
                if (keys is null)
                {
                    owner._service.FlushAll($"node {connection.Endpoint} was flushed");
                }
                else
                {
                    owner._service.Invalidate(keys);
                }
            }
        }

        public void OnClosed(PushConnection connection, string error) => owner.OnLost(this, error);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 761, Level = LogLevel.Warning, Message = "Client-side caching: node {Endpoint} refused CLIENT TRACKING ({Error}); changes to its keys do not reach tracking clients")]
        public static partial void Refused(ILogger logger, string endpoint, string error);

        [LoggerMessage(EventId = 762, Level = LogLevel.Information, Message = "Client-side caching: invalidation connection to {Endpoint} lost ({Error})")]
        public static partial void Lost(ILogger logger, string endpoint, string error);
    }
}
