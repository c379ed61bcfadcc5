using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>
/// Sends requests to the node that owns their hash slot and follows the cluster's redirects so clients never see
/// them: <c>-MOVED</c> patches the slot map and resends, <c>-ASK</c> resends with <c>ASKING</c> to the importing node
/// without touching the map, <c>-TRYAGAIN</c> retries after a short pause. After
/// <see cref="RoutingSettings.MaxRedirects"/> the last error goes to the client.
/// </summary>
internal sealed partial class Router
{
    private readonly TopologyRefresher _topology;
    private readonly BackendPool _pool;
    private readonly RoutingSettings _settings;
    private readonly ILogger _logger;
    private readonly Diagnostics.LogLevelSwitch? _levels;

    private readonly ScriptCache _scripts;

    /// <param name="levels">The server's runtime log level, a filter over every logger: when it is above Debug, the per-command
    /// debug check is one field read rather than a walk through the logging pipeline.</param>
    public Router(TopologyRefresher topology, BackendPool pool, RoutingSettings settings, ScriptCache scripts, ILogger<Router> logger, Diagnostics.LogLevelSwitch? levels = null)
    {
        _levels = levels;
        _scripts = scripts;
        _topology = topology;
        _pool = pool;
        _settings = settings;
        _logger = logger;
    }

    public TopologyRefresher Topology => _topology;

    private bool DebugEnabled => (_levels is null || _levels.IsEnabled(LogLevel.Debug)) && _logger.IsEnabled(LogLevel.Debug);

    public BackendPool Pool => _pool;

    /// <summary>Sends a single-slot (or targeted) request. Completes it with an error if no node can take it.</summary>
    public void Dispatch(ProxyRequest request)
    {
        request.Router = this;
        string? endpoint = request.Target;
        if (endpoint is null && request.ReadOnly && request.Slot >= 0 && _settings.ReadFrom != ReadPolicy.Primary)
        {
            DispatchRead(request);
            return;
        }
        if (endpoint is null)
        {
            // Keyless commands stay on one primary per client (by affinity), so e.g. one client's PUBLISHes are
            // delivered in the order it sent them, as from a single Redis.
            endpoint = request.Slot < 0 ? AnyPrimary(request.Affinity) : PrimaryFor(request.Slot);
            if (endpoint is null)
            {
                request.OnFailure(request.Slot < 0 ? "CLUSTERDOWN No primary is known yet" : "CLUSTERDOWN Hash slot not served");
                return;
            }
        }
        if (DebugEnabled)
        {
            LogRoute(request, endpoint);
        }
        _pool.GetNode(endpoint, request.Resp3).Send(request, request.Affinity);
    }

    /// <summary>
    /// A read under a replica-reading policy: picks the shard's node by policy (replicas chosen by client affinity, so a
    /// client keeps reading from one replica) and sends it on a READONLY connection when that node is a replica.
    /// </summary>
    private void DispatchRead(ProxyRequest request)
    {
        Shard? shard = _topology.Current.GetShard(request.Slot);
        if (shard is null)
        {
            request.OnFailure("CLUSTERDOWN Hash slot not served");
            return;
        }
        ClusterNode? replica = null;
        int healthy = 0;
        foreach (ClusterNode candidate in shard.Replicas)
        {
            if (candidate.Healthy)
            {
                healthy++;
            }
        }
        if (healthy > 0)
        {
            int pick = (int)((uint)request.Affinity % (uint)healthy);
            foreach (ClusterNode candidate in shard.Replicas)
            {
                if (candidate.Healthy && pick-- == 0)
                {
                    replica = candidate;
                    break;
                }
            }
        }
        bool primaryUp = shard.Primary.Healthy;
        ClusterNode? target = _settings.ReadFrom switch
        {
            ReadPolicy.PreferPrimary => primaryUp || replica is null ? shard.Primary : replica,
            ReadPolicy.Replica => replica,
            ReadPolicy.PreferReplica => replica ?? shard.Primary,
            _ => (request.Affinity & 1) == 0 || replica is null ? shard.Primary : replica,
        };
        if (target is null)
        {
            request.OnFailure($"CLUSTERDOWN Slotgate: no replica is up for hash slot {request.Slot} (routing.readFrom = replica)");
            return;
        }
        bool toReplica = !ReferenceEquals(target, shard.Primary);
        if (DebugEnabled)
        {
            LogRoute(request, target.Endpoint);
        }
        _pool.GetNode(target.Endpoint, request.Resp3, readOnly: toReplica).Send(request, request.Affinity);
    }

    /// <summary>
    /// A read sent to a replica failed (the replica is down or unreachable): under a policy that may use the primary,
    /// send it there instead, once, so the client never sees the replica's failure.
    /// </summary>
    public bool TryReadFromPrimaryInstead(ProxyRequest request)
    {
        if (_settings.ReadFrom is ReadPolicy.Primary or ReadPolicy.Replica || request.Slot < 0 ||
            _topology.Current.GetShard(request.Slot)?.Primary.Endpoint is not { } primary ||
            string.Equals(request.SentTo, primary, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        request.ReadOnly = false; // from now on an ordinary request to the primary
        _settings.Metrics.Retry("replica_fallback");
        _pool.GetNode(primary, request.Resp3).Send(request, request.Affinity);
        return true;
    }

    /// <summary>
    /// A command that was never written failed because its node is unreachable: with <see cref="RoutingSettings.FailoverWait"/>
    /// set, keep it and try again as the topology refreshes, until the slot's primary is reachable (typically a promoted
    /// replica) or the wait is over. Commands already written are not retried: they may have been applied.
    /// </summary>
    public bool TryWaitForFailover(ProxyRequest request)
    {
        if (_settings.FailoverWait <= TimeSpan.Zero || request.Slot < 0 || request.Target is not null || request.Parent is not null)
        {
            return false;
        }
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (request.FailoverDeadline == 0)
        {
            request.FailoverDeadline = now + (long)(_settings.FailoverWait.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        }
        else if (now >= request.FailoverDeadline)
        {
            return false;
        }
        _topology.RequestRefresh("a command waits for a failover");
        _settings.Metrics.Retry("failover_wait");
        _ = RetryAfterAsync(request, TimeSpan.FromMilliseconds(100));
        return true;
    }

    private async Task RetryAfterAsync(ProxyRequest request, TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        Dispatch(request);
    }

    /// <summary>Sends every child of a split or fan-out request.</summary>
    public void DispatchChildren(ProxyRequest parent)
    {
        parent.Router = this;
        parent.ExpectChildren();
        // The parent cannot complete before its last child is sent, so indexing the list is safe until then; after the
        // last send it may already be merged and recycled, so nothing touches it afterwards.
        int count = parent.Children.Count;
        for (int i = 0; i < count; i++)
        {
            Dispatch(parent.Children[i]);
        }
    }

    /// <summary>Endpoints of every known primary, for fan-out commands.</summary>
    public IReadOnlyList<Shard> Shards => _topology.Current.Shards;

    /// <summary>
    /// Called with an error reply; returns true when it was a redirect this router has taken over (the request has
    /// been re-sent or scheduled), false when the error is the client's reply.
    /// </summary>
    public bool TryRedirect(ProxyRequest request, in ReadOnlySequence<byte> reply)
    {
        RedirectKind kind = ReadRedirect(reply, request.SentTo, out int slot, out string endpoint);
        if (kind == RedirectKind.None)
        {
            return TryRepairNoScript(request, reply);
        }
        if (++request.Redirects > _settings.MaxRedirects)
        {
            return false;
        }
        _settings.Metrics.Redirect(kind switch
        {
            RedirectKind.Moved => Diagnostics.RedirectCounter.Moved,
            RedirectKind.Ask => Diagnostics.RedirectCounter.Ask,
            // LOADING and BUSY are retried as TRYAGAIN is, and counted with it.
            _ => Diagnostics.RedirectCounter.TryAgain,
        });
        if (kind is RedirectKind.TryAgain or RedirectKind.Busy)
        {
            _ = RetryLaterAsync(request);
            return true;
        }
        request.Asking = kind == RedirectKind.Ask;
        _pool.GetNode(endpoint, request.Resp3).Send(request, request.Affinity);
        return true;
    }

    /// <summary>
    /// EVALSHA met <c>-NOSCRIPT</c>: if Slotgate knows the body, load it on that node and send the EVALSHA again on the same
    /// connection (so the load runs first).
    /// </summary>
    private bool TryRepairNoScript(ProxyRequest request, in ReadOnlySequence<byte> reply)
    {
        RequestFrame frame = request.Frame;
        if (frame.ArgCount < 2 || request.SentTo is not { } node || reply.Length < 9 || !IsNoScript(reply) ||
            !(Ascii.EqualsIgnoreCase(frame.Arg(0), "EVALSHA"u8) || Ascii.EqualsIgnoreCase(frame.Arg(0), "EVALSHA_RO"u8)) ||
            !_scripts.TryGet(frame.Arg(1), out byte[]? body) || ++request.Redirects > _settings.MaxRedirects)
        {
            return false;
        }
        _settings.Metrics.Retry("noscript");
        BackendNode backend = _pool.GetNode(node, request.Resp3);
        backend.Send(new FireAndForgetRequest("SCRIPT"u8.ToArray(), "LOAD"u8.ToArray(), body!), request.Affinity);
        backend.Send(request, request.Affinity);
        return true;
    }

    private static bool IsNoScript(in ReadOnlySequence<byte> reply)
    {
        Span<byte> head = stackalloc byte[9];
        reply.Slice(0, 9).CopyTo(head);
        return head.SequenceEqual("-NOSCRIPT"u8);
    }

    /// <summary>
    /// Recognises <c>-MOVED</c>, <c>-ASK</c>, <c>-TRYAGAIN</c> and <c>-LOADING</c>/<c>-BUSY</c> in an error reply. A MOVED is applied to the slot map at
    /// once (and a refresh scheduled), whoever follows it: shared requests here, pinned ones (transactions, blocking
    /// commands) in their own handlers.
    /// </summary>
    public RedirectKind ReadRedirect(in ReadOnlySequence<byte> reply, string? sentTo, out int slot, out string endpoint)
    {
        slot = -1;
        endpoint = string.Empty;
        Span<byte> line = stackalloc byte[160];
        int length = (int)Math.Min(reply.Length, line.Length);
        reply.Slice(0, length).CopyTo(line);
        line = line[..length];
        if (line.StartsWith("-TRYAGAIN"u8))
        {
            return RedirectKind.TryAgain;
        }
        // "-BUSY " with the space: -BUSYKEY (RESTORE onto an existing key) and -BUSYGROUP are the client's own errors.
        if (line.StartsWith("-LOADING"u8) || line.StartsWith("-BUSY "u8))
        {
            return RedirectKind.Busy;
        }
        bool moved = line.StartsWith("-MOVED "u8);
        if ((!moved && !line.StartsWith("-ASK "u8)) || !TryParseRedirect(line, sentTo, out slot, out endpoint))
        {
            return RedirectKind.None;
        }
        if (moved)
        {
            _topology.ApplyMoved(slot, endpoint);
        }
        if (DebugEnabled)
        {
            Log.Redirect(_logger, moved ? "MOVED" : "ASK", slot, endpoint);
        }
        return moved ? RedirectKind.Moved : RedirectKind.Ask;
    }

    /// <summary>The primary serving <paramref name="slot"/> (any primary for <see cref="HashSlot.None"/>), or null.</summary>
    public string? PrimaryFor(int slot) => slot < 0 ? AnyPrimary(Environment.CurrentManagedThreadId) : _topology.Current.GetShard(slot)?.Primary.Endpoint;

    public RoutingSettings Settings => _settings;

    /// <summary>Script bodies seen, for repairing NOSCRIPT.</summary>
    public ScriptCache Scripts => _scripts;

    private async Task RetryLaterAsync(ProxyRequest request)
    {
        // Exponential: a slot whose keys are being moved needs a few batches of MIGRATE before the keys are together again.
        TimeSpan delay = _settings.TryAgainDelay * (1 << Math.Min(request.Redirects - 1, 6));
        await Task.Delay(delay).ConfigureAwait(false);
        Dispatch(request);
    }

    private string? AnyPrimary(int spread)
    {
        IReadOnlyList<Shard> shards = _topology.Current.Shards;
        return shards.Count == 0 ? null : shards[(int)((uint)spread % (uint)shards.Count)].Primary.Endpoint;
    }

    /// <summary>Parses <c>-MOVED slot host:port</c> / <c>-ASK slot host:port</c>; an empty host means the replying node's host.</summary>
    internal static bool TryParseRedirect(ReadOnlySpan<byte> line, string? replyingNode, out int slot, out string endpoint)
    {
        endpoint = string.Empty;
        slot = -1;
        int firstSpace = line.IndexOf((byte)' ');
        if (firstSpace < 0)
        {
            return false;
        }
        ReadOnlySpan<byte> rest = line[(firstSpace + 1)..];
        if (!Utf8Parser.TryParse(rest, out slot, out int consumed) || slot < 0 || slot >= HashSlot.Count ||
            consumed >= rest.Length || rest[consumed] != (byte)' ')
        {
            return false;
        }
        rest = rest[(consumed + 1)..];
        int end = rest.IndexOfAny((byte)'\r', (byte)'\n');
        if (end >= 0)
        {
            rest = rest[..end];
        }
        string target = Encoding.ASCII.GetString(rest);
        if (target.StartsWith(':') && replyingNode is not null)
        {
            // Redis sends ":port" when the node does not know its own announced host (cluster-preferred-endpoint-type unknown-endpoint).
            target = BackendConnection.SplitEndpoint(replyingNode).Host + target;
        }
        if (target.LastIndexOf(':') <= 0)
        {
            return false;
        }
        endpoint = target;
        return true;
    }

    private void LogRoute(ProxyRequest request, string endpoint)
    {
        string command = request.Frame.ArgCount > 0 ? Encoding.UTF8.GetString(request.Frame.Arg(0)) : "?";
        Log.Route(_logger, command, request.Slot, endpoint);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Route {Command} slot {Slot} -> {Node}")]
        public static partial void Route(ILogger logger, string command, int slot, string node);

        [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Redirect {Kind} slot {Slot} -> {Node}")]
        public static partial void Redirect(ILogger logger, string kind, int slot, string node);
    }
}
