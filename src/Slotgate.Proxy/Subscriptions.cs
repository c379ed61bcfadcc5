using System.Buffers;
using System.Text;
using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// One client's pub/sub state. Channel and pattern subscriptions go on one connection to any primary: Redis Cluster
/// propagates PUBLISH to every node, so one node sees every message. Shard channels (SSUBSCRIBE) go to the primary that
/// owns the channel's slot, one connection per node. Confirmations are matched to the client's commands so replies keep
/// their order; published messages are passed to the client as they arrive. When a node fails, the subscriptions are
/// re-established on another one (messages published during the gap are lost, as with any Redis reconnect).
/// </summary>
internal sealed class Subscriptions(ClientSession session, PubSubService service) : IPushHandler
{
    private readonly object _gate = new();
    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);
    private readonly HashSet<string> _patterns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _shardChannels = new(StringComparer.Ordinal); // channel → endpoint
    private readonly Dictionary<PushConnection, Queue<PendingPubSubReply>> _pending = [];
    private readonly Dictionary<PushConnection, int> _handshakes = [];
    private readonly Dictionary<string, PushConnection> _shardConnections = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _confirmedShardChannels = new(StringComparer.Ordinal);
    private PushConnection? _main;
    private bool _closed;

    /// <summary>True while the client has any subscription: Redis's subscribed mode (RESP2 restricts commands then).</summary>
    public bool Active
    {
        get
        {
            lock (_gate)
            {
                return _channels.Count + _patterns.Count + _shardChannels.Count > 0;
            }
        }
    }

    public void Execute(ProxyRequest request, string command)
    {
        RequestFrame frame = request.Frame;
        var names = new List<string>(frame.ArgCount - 1);
        for (int i = 1; i < frame.ArgCount; i++)
        {
            names.Add(Encoding.UTF8.GetString(frame.Arg(i)));
        }
        lock (_gate)
        {
            switch (command)
            {
                case "subscribe":
                    foreach (string name in names)
                    {
                        if (_channels.Add(name))
                        {
                            service.ChannelAdded(name);
                        }
                    }
                    Send(EnsureMain(), request, names.Count);
                    break;
                case "psubscribe":
                    foreach (string name in names)
                    {
                        if (_patterns.Add(name))
                        {
                            service.PatternAdded(name);
                        }
                    }
                    Send(EnsureMain(), request, names.Count);
                    break;
                case "unsubscribe":
                    foreach (string channel in names.Count > 0 ? names.Distinct().Where(_channels.Contains).ToList() : [.. _channels])
                    {
                        service.ChannelRemoved(channel);
                    }
                    Unsubscribe(request, names, _channels, "unsubscribe");
                    break;
                case "punsubscribe":
                    foreach (string pattern in names.Count > 0 ? names.Distinct().Where(_patterns.Contains).ToList() : [.. _patterns])
                    {
                        service.PatternRemoved(pattern);
                    }
                    Unsubscribe(request, names, _patterns, "punsubscribe");
                    break;
                case "ssubscribe":
                    ShardSubscribe(request, names);
                    break;
                case "sunsubscribe":
                    ShardUnsubscribe(request, names);
                    break;
            }
        }
    }

    /// <summary>The client left: close its pub/sub connections.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (string channel in _channels)
            {
                service.ChannelRemoved(channel);
            }
            foreach (string pattern in _patterns)
            {
                service.PatternRemoved(pattern);
            }
            _main?.Close();
            foreach (PushConnection connection in _shardConnections.Values)
            {
                connection.Close();
            }
            // Confirmations that will never come now: answer them, so the session's writer can finish.
            foreach (Queue<PendingPubSubReply> queue in _pending.Values)
            {
                foreach (PendingPubSubReply pending in queue)
                {
                    if (!pending.Owner.Done && pending.Owner.Request is { } request)
                    {
                        pending.Owner.Done = true;
                        request.SetError("ERR Slotgate: connection closing");
                        request.Complete();
                    }
                }
            }
            _pending.Clear();
        }
    }

    public void OnFrame(PushConnection connection, in ReadOnlySequence<byte> frame)
    {
        lock (_gate)
        {
            if (_handshakes.TryGetValue(connection, out int skip) && skip > 0)
            {
                _handshakes[connection] = skip - 1;
                return;
            }
            string kind = PubSubFrames.Kind(frame);
            if (kind is "message" or "pmessage" or "smessage")
            {
                session.Push(frame);
                return;
            }
            if (!_pending.TryGetValue(connection, out Queue<PendingPubSubReply>? queue) || !queue.TryPeek(out PendingPubSubReply? pending))
            {
                return; // a confirmation nobody waits for (e.g. after the client unsubscribed during a reconnect)
            }
            if (kind == "-" && service.Router.ReadRedirect(frame, connection.Endpoint, out _, out string endpoint) is RedirectKind.Moved or RedirectKind.Ask)
            {
                // SSUBSCRIBE/SUNSUBSCRIBE sent where the slot no longer lives: send it where it does.
                queue.Dequeue();
                PushConnection target = EnsureShard(endpoint);
                Enqueue(target, pending);
                target.Send(pending.Command);
                return;
            }
            PendingPubSubReply owner = pending.Owner;
            if (owner.Done)
            {
                // The request was already answered (an error ended it early): drop the rest of its frames.
            }
            else if (kind is "ssubscribe" or "sunsubscribe" && owner.Request is { } shardRequest)
            {
                // Each node counts only its own shard channels; the client must see its total, as from one Redis.
                WriteShardConfirmation(shardRequest, frame, kind);
            }
            else
            {
                owner.Request?.ReplyWriter.Write(frame.IsSingleSegment ? frame.FirstSpan : frame.ToArray());
            }
            if (--pending.Remaining <= 0 || kind == "-")
            {
                queue.Dequeue();
            }
            if (pending.Parent is { } parent)
            {
                parent.Remaining--;
            }
            if ((owner.Remaining <= 0 || kind == "-") && !owner.Done)
            {
                owner.Done = true;
                owner.Request?.Complete();
            }
        }
    }

    public void OnClosed(PushConnection connection, string error)
    {
        lock (_gate)
        {
            if (_pending.Remove(connection, out Queue<PendingPubSubReply>? queue))
            {
                foreach (PendingPubSubReply pending in queue)
                {
                    if (!pending.Owner.Done && pending.Owner.Request is { } request)
                    {
                        pending.Owner.Done = true;
                        request.SetError(error);
                        request.Complete();
                    }
                }
            }
            if (_closed)
            {
                return;
            }
            if (connection == _main)
            {
                _main = null;
                if (_channels.Count + _patterns.Count > 0)
                {
                    _ = ResubscribeLaterAsync();
                }
            }
            else
            {
                foreach (var (endpoint, shard) in _shardConnections)
                {
                    if (shard == connection)
                    {
                        _shardConnections.Remove(endpoint);
                        break;
                    }
                }
                if (_shardChannels.Count > 0)
                {
                    _ = ResubscribeLaterAsync();
                }
            }
        }
    }

    private async Task ResubscribeLaterAsync()
    {
        // Give the cluster a moment to promote a replica and Slotgate to learn of it.
        service.Router.Topology.RequestRefresh("a pub/sub connection failed");
        await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
        try
        {
            Resubscribe();
        }
        catch (InvalidOperationException)
        {
            // No primary known right now (the whole cluster is unreachable): try again, or the subscriptions are lost.
            _ = ResubscribeLaterAsync();
        }
    }

    private void Resubscribe()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            if (_main is null && _channels.Count + _patterns.Count > 0)
            {
                PushConnection main = EnsureMain();
                Resend(main, "SUBSCRIBE", _channels);
                Resend(main, "PSUBSCRIBE", _patterns);
            }
            foreach (IGrouping<string, string> group in _shardChannels.Keys.GroupBy(c => service.Router.PrimaryFor(HashSlot.Of(Encoding.UTF8.GetBytes(c))) ?? string.Empty).ToList())
            {
                foreach (string channel in group)
                {
                    _shardChannels[channel] = group.Key;
                }
                if (group.Key.Length > 0 && !_shardConnections.ContainsKey(group.Key))
                {
                    Resend(EnsureShard(group.Key), "SSUBSCRIBE", group);
                }
            }
        }
    }

    private void Resend(PushConnection connection, string command, IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            byte[] encoded = PubSubFrames.Encode(command, [name]);
            Enqueue(connection, new PendingPubSubReply(null, 1, encoded));
            connection.Send(encoded);
        }
    }

    private void Unsubscribe(ProxyRequest request, List<string> names, HashSet<string> set, string kind)
    {
        int frames = names.Count > 0 ? names.Count : Math.Max(1, set.Count);
        if (names.Count > 0)
        {
            set.ExceptWith(names);
        }
        else
        {
            set.Clear();
        }
        if (_main is null)
        {
            // Never subscribed: Redis's own answer, one frame per channel (or one with a nil channel) and count 0.
            WriteLocalConfirmations(request, kind, names);
            request.Complete();
            return;
        }
        Send(_main, request, frames);
    }

    private void ShardSubscribe(ProxyRequest request, List<string> names)
    {
        string? endpoint = EndpointForChannels(request, names);
        if (endpoint is null)
        {
            return;
        }
        foreach (string name in names)
        {
            _shardChannels[name] = endpoint;
        }
        Send(EnsureShard(endpoint), request, names.Count);
    }

    private void ShardUnsubscribe(ProxyRequest request, List<string> names)
    {
        if (names.Count > 0)
        {
            string? endpoint = EndpointForChannels(request, names);
            if (endpoint is null)
            {
                return;
            }
            foreach (string name in names)
            {
                _shardChannels.Remove(name);
            }
            if (_shardConnections.TryGetValue(endpoint, out PushConnection? connection))
            {
                Send(connection, request, names.Count);
            }
            else
            {
                WriteLocalConfirmations(request, "sunsubscribe", names);
                request.Complete();
            }
            return;
        }
        // No arguments: every shard connection answers for its own channels; the reply is all of them together.
        var byConnection = _shardChannels.GroupBy(pair => pair.Value).Where(g => _shardConnections.ContainsKey(g.Key)).ToList();
        _shardChannels.Clear();
        if (byConnection.Count == 0)
        {
            WriteLocalConfirmations(request, "sunsubscribe", []);
            request.Complete();
            return;
        }
        var whole = new PendingPubSubReply(request, byConnection.Sum(g => g.Count()), PubSubFrames.Encode("SUNSUBSCRIBE", []));
        foreach (IGrouping<string, KeyValuePair<string, string>> group in byConnection)
        {
            PushConnection connection = _shardConnections[group.Key];
            byte[] command = PubSubFrames.Encode("SUNSUBSCRIBE", group.Select(p => p.Key).ToList());
            Enqueue(connection, new PendingPubSubReply(null, group.Count(), command) { Parent = whole });
            connection.Send(command);
        }
    }

    /// <summary>Shard channels of one command must share a slot, as keys do; returns the owner or answers the error.</summary>
    private string? EndpointForChannels(ProxyRequest request, List<string> names)
    {
        int slot = HashSlot.None;
        foreach (string name in names)
        {
            slot = HashSlot.Combine(slot, HashSlot.Of(Encoding.UTF8.GetBytes(name)));
        }
        if (slot == HashSlot.Multiple)
        {
            request.SetError("CROSSSLOT Keys in request don't hash to the same slot");
            request.Complete();
            return null;
        }
        string? endpoint = service.Router.PrimaryFor(slot);
        if (endpoint is null)
        {
            request.SetError("CLUSTERDOWN Hash slot not served");
            request.Complete();
        }
        return endpoint;
    }

    private void Send(PushConnection connection, ProxyRequest request, int frames)
    {
        var pending = new PendingPubSubReply(request, frames, request.Frame.Bytes.ToArray());
        Enqueue(connection, pending);
        connection.Send(request.Frame.Bytes);
    }

    private void Enqueue(PushConnection connection, PendingPubSubReply pending)
    {
        if (!_pending.TryGetValue(connection, out Queue<PendingPubSubReply>? queue))
        {
            queue = new Queue<PendingPubSubReply>();
            _pending[connection] = queue;
        }
        queue.Enqueue(pending);
    }

    private PushConnection EnsureMain()
    {
        if (_main is { IsClosed: false } main)
        {
            return main;
        }
        string endpoint = service.Router.PrimaryFor(HashSlot.None) ?? throw new InvalidOperationException("no primary is known");
        _main = Connect(endpoint);
        return _main;
    }

    private PushConnection EnsureShard(string endpoint)
    {
        if (_shardConnections.TryGetValue(endpoint, out PushConnection? connection) && !connection.IsClosed)
        {
            return connection;
        }
        connection = Connect(endpoint);
        _shardConnections[endpoint] = connection;
        return connection;
    }

    private PushConnection Connect(string endpoint)
    {
        bool resp3 = session.Info.Resp3;
        PushConnection connection = service.Connect(endpoint, this, resp3);
        if (service.HandshakeReplies(resp3) is > 0 and int replies)
        {
            _handshakes[connection] = replies;
        }
        return connection;
    }

    private void WriteShardConfirmation(ProxyRequest request, in ReadOnlySequence<byte> frame, string kind)
    {
        string? channel = PubSubFrames.ChannelOf(frame);
        if (channel is not null)
        {
            if (kind == "ssubscribe")
            {
                _confirmedShardChannels.Add(channel);
            }
            else
            {
                _confirmedShardChannels.Remove(channel);
            }
        }
        PubSubFrames.WriteConfirmation(request.ReplyWriter, session.Info.Resp3, kind, channel, _confirmedShardChannels.Count);
    }

    private void WriteLocalConfirmations(ProxyRequest request, string kind, List<string> names)
    {
        int remaining = kind == "sunsubscribe" ? _shardChannels.Count : _channels.Count + _patterns.Count;
        PubSubFrames.WriteConfirmations(request.ReplyWriter, session.Info.Resp3, kind, names, remaining);
    }
}
