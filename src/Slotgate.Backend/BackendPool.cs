using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Slotgate.Cluster;
using Slotgate.Protocol;

namespace Slotgate.Backend;

/// <summary>
/// Every node Slotgate talks to, by endpoint, created on first use. Also runs the operation-timeout sweep,
/// one timer for all connections rather than one per request.
/// </summary>
internal sealed class BackendPool : IClusterNodeClient, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, BackendNode>[] _nodes =
        [new(StringComparer.OrdinalIgnoreCase), new(StringComparer.OrdinalIgnoreCase), new(StringComparer.OrdinalIgnoreCase), new(StringComparer.OrdinalIgnoreCase)];
    private readonly BackendSettings _settings;
    private readonly IBackendConnector _connector;
    private readonly ILogger _logger;
    private readonly Timer _timeoutSweep;
    private readonly ReconnectLimiter _reconnects;
    private BackendNode[] _nodeList = [];
    private readonly (string Endpoint, BackendNode Node)[][] _recent = [[], [], [], []];

    public BackendPool(BackendSettings settings, IBackendConnector connector, ILogger<BackendPool> logger)
    {
        _connector = connector;
        _settings = settings;
        _logger = logger;
        _reconnects = new ReconnectLimiter(settings.MaxReconnectsPerSecond);
        TimeSpan period = TimeSpan.FromMilliseconds(Math.Clamp(settings.OperationTimeout.TotalMilliseconds / 10, 10, 250));
        _timeoutSweep = new Timer(_ => SweepTimeouts(), null, period, period);
    }

    public BackendSettings Settings => _settings;

    /// <summary>Raised with the node's endpoint when any connection fails.</summary>
    public event Action<string>? NodeConnectionFailed;

    public IReadOnlyList<BackendNode> Nodes => Volatile.Read(ref _nodeList);

    /// <summary>
    /// The node's shared connections. RESP3 clients get connections of their own protocol, and reads sent to replicas
    /// get connections that said READONLY; each kind has its own table, so finding a node never builds a key string.
    /// </summary>
    public BackendNode GetNode(string endpoint, bool resp3 = false, bool readOnly = false)
    {
        int kind = (resp3 ? 1 : 0) | (readOnly ? 2 : 0);
        // Endpoints come from the slot map, the same string instances command after command: a scan by reference
        // finds the node without hashing the string.
        (string Endpoint, BackendNode Node)[] recent = Volatile.Read(ref _recent[kind]);
        foreach ((string known, BackendNode cached) in recent)
        {
            if (ReferenceEquals(known, endpoint))
            {
                return cached;
            }
        }
        ConcurrentDictionary<string, BackendNode> nodes = _nodes[kind];
        BackendNode node = nodes.TryGetValue(endpoint, out BackendNode? found)
            ? found
            : nodes.GetOrAdd(endpoint, static (key, state) => state.Pool.CreateNode(key, state.Resp3, state.ReadOnly), (Pool: this, Resp3: resp3, ReadOnly: readOnly));
        // Nodes are never removed, so a cached pair stays right; after a topology change new strings start a new list.
        Volatile.Write(ref _recent[kind], recent.Length < 16 ? [.. recent, (endpoint, node)] : [(endpoint, node)]);
        return node;
    }

    /// <summary>Sends a control command to <paramref name="endpoint"/> and decodes its reply.</summary>
    public Task<RespValue> ExecuteAsync(string endpoint, TimeSpan timeout, params string[] args) =>
        ExecuteAsync(endpoint, affinity: 0, timeout, args);

    /// <summary>
    /// Like <see cref="ExecuteAsync(string, TimeSpan, string[])"/> on the connection chosen by <paramref name="affinity"/>:
    /// a client's own connection, so the command runs after everything that client sent to the node before.
    /// </summary>
    public async Task<RespValue> ExecuteAsync(string endpoint, int affinity, TimeSpan timeout, params string[] args)
    {
        var request = new ControlRequest(args);
        GetNode(endpoint).Send(request, affinity);
        return await request.Reply.WaitAsync(timeout).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _timeoutSweep.DisposeAsync().ConfigureAwait(false);
        var closing = new List<Task>();
        foreach (BackendNode node in Volatile.Read(ref _nodeList))
        {
            closing.Add(node.CloseAsync());
        }
        await Task.WhenAll(closing).ConfigureAwait(false);
    }

    private BackendNode CreateNode(string endpoint, bool resp3, bool readOnly)
    {
        var node = new BackendNode(endpoint, _connector, _settings, _logger, readOnly, resp3, _reconnects);
        node.ConnectionFailed += (failed, _) => NodeConnectionFailed?.Invoke(failed.Endpoint);
        lock (_nodes)
        {
            // GetOrAdd may race and discard a node, which then only sits in this list unused; that is harmless.
            _nodeList = [.. _nodeList, node];
        }
        return node;
    }

    private void SweepTimeouts()
    {
        long now = Stopwatch.GetTimestamp();
        // A plain array snapshot: the sweep runs ten times a second and must not allocate an enumerator each time.
        foreach (BackendNode node in Volatile.Read(ref _nodeList))
        {
            node.CheckTimeouts(now);
        }
    }
}
