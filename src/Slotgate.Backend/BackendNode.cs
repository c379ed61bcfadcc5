using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Slotgate.Backend;

/// <summary>
/// The few long-lived connections Slotgate keeps to one Redis node. A client session always uses the same one
/// (by affinity), so its pipelined commands to this node stay in order. A failed connection is replaced on the next
/// send; while the node keeps refusing connections, sends fail fast until the back-off has passed.
/// </summary>
internal sealed partial class BackendNode
{
    private readonly BackendSettings _settings;
    private readonly IBackendConnector _connector;
    private readonly ILogger _logger;
    private readonly BackendConnection?[] _connections;
    private readonly long[] _retryAt;
    private readonly TimeSpan[] _backoff;
    private readonly object _gate = new();
    private readonly ReconnectLimiter _reconnects;

    public BackendNode(string endpoint, IBackendConnector connector, BackendSettings settings, ILogger logger, bool readOnly = false, bool resp3 = false, ReconnectLimiter? reconnects = null)
    {
        _reconnects = reconnects ?? new ReconnectLimiter(settings.MaxReconnectsPerSecond);
        Resp3 = resp3;
        _connector = connector;
        Endpoint = endpoint;
        ReadOnly = readOnly;
        _settings = settings;
        _logger = logger;
        _connections = new BackendConnection?[settings.ConnectionsPerNode];
        _retryAt = new long[settings.ConnectionsPerNode];
        _backoff = new TimeSpan[settings.ConnectionsPerNode];
    }

    public string Endpoint { get; }

    public bool ReadOnly { get; }

    public bool Resp3 { get; }

    /// <summary>Raised when one of this node's connections fails (the topology may have changed).</summary>
    public event Action<BackendNode, string>? ConnectionFailed;

    /// <summary>Number of connections currently up.</summary>
    public int ConnectedCount
    {
        get
        {
            int count = 0;
            foreach (BackendConnection? connection in _connections)
            {
                if (connection is { IsFailed: false, IsConnected: true })
                {
                    count++;
                }
            }
            return count;
        }
    }

    /// <summary>Sends <paramref name="request"/> on the connection chosen by <paramref name="affinity"/>.</summary>
    public void Send(BackendRequest request, int affinity)
    {
        int index = (int)((uint)affinity % (uint)_connections.Length);
        BackendConnection? connection = Volatile.Read(ref _connections[index]);
        if (connection is null || connection.IsFailed)
        {
            connection = Replace(index, out string? error);
            if (connection is null)
            {
                request.OnFailure(error!);
                return;
            }
        }
        connection.Send(request);
    }

    public void CheckTimeouts(long now)
    {
        foreach (BackendConnection? connection in _connections)
        {
            connection?.CheckTimeout(now);
        }
    }

    public async Task CloseAsync()
    {
        var finished = new List<Task>();
        lock (_gate)
        {
            for (int i = 0; i < _connections.Length; i++)
            {
                // Marked closed first: the failure this close causes is expected, not worth a warning or a refresh.
                _retryAt[i] = long.MaxValue;
                if (_connections[i] is { } connection)
                {
                    connection.Close("Slotgate is shutting down");
                    finished.Add(connection.Finished);
                    _connections[i] = null;
                }
            }
        }
        await Task.WhenAll(finished).ConfigureAwait(false);
    }

    private BackendConnection? Replace(int index, out string? error)
    {
        lock (_gate)
        {
            BackendConnection? current = _connections[index];
            if (current is { IsFailed: false })
            {
                error = null;
                return current;
            }
            if (Stopwatch.GetTimestamp() < _retryAt[index])
            {
                error = current?.Failure ?? $"ERR Slotgate: node {Endpoint} unavailable";
                return null;
            }
            if (current is not null && !_reconnects.TryAcquire(Endpoint))
            {
                error = $"ERR Slotgate: node {Endpoint} unavailable (reconnects limited to {_reconnects.PerSecond}/s by " +
                    $"backend.maxReconnectsPerSecond; last error: {current.Failure})";
                return null;
            }
            var connection = new BackendConnection(Endpoint, _connector, _settings, _logger, ReadOnly, Resp3);
            connection.Failed += (failed, wasConnected) => OnFailed(index, failed, wasConnected);
            _connections[index] = connection;
            connection.Start();
            error = null;
            return connection;
        }
    }

    private void OnFailed(int index, BackendConnection connection, bool wasConnected)
    {
        lock (_gate)
        {
            if (_retryAt[index] == long.MaxValue)
            {
                return; // closed for good
            }
            // A connection that worked may be replaced at once; one that never connected backs off exponentially,
            // so a dead node costs one fast failure per back-off period instead of a connection storm.
            _backoff[index] = wasConnected
                ? TimeSpan.Zero
                : _backoff[index] == TimeSpan.Zero ? _settings.ReconnectBackoffMin
                : TimeSpan.FromTicks(Math.Min(_backoff[index].Ticks * 2, _settings.ReconnectBackoffMax.Ticks));
            _retryAt[index] = Stopwatch.GetTimestamp() + (long)(_backoff[index].TotalSeconds * Stopwatch.Frequency);
        }
        _settings.Metrics.BackendFailed(Endpoint);
        if (connection.Failure is { } failure)
        {
            Log.ConnectionFailed(_logger, Endpoint, failure);
        }
        ConnectionFailed?.Invoke(this, connection.Failure ?? string.Empty);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Connection to {Endpoint} failed: {Error}")]
        public static partial void ConnectionFailed(ILogger logger, string endpoint, string error);
    }
}
