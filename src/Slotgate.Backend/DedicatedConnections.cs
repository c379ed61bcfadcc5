using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Slotgate.Backend;

/// <summary>
/// Backend connections lent to one client at a time, for what cannot share a pipelined connection: a transaction
/// (WATCH, MULTI ... EXEC) and a blocking command. Returned connections are kept per node for reuse (no new TCP
/// connection per transaction); one whose state is unknown (an aborted transaction, a client that left mid-block) is
/// closed instead. Lent connections are swept for the operation timeout like shared ones, except while blocking.
/// </summary>
internal sealed class DedicatedConnections : IAsyncDisposable
{
    private const int MaxIdlePerNode = 16;

    private readonly IBackendConnector _connector;
    private readonly BackendSettings _settings;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Stack<BackendConnection>> _idle = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<BackendConnection> _all = [];
    private readonly Timer _timeoutSweep;
    private BackendConnection[] _sweepList = [];
    private bool _disposed;

    public DedicatedConnections(IBackendConnector connector, BackendSettings settings, ILogger<DedicatedConnections> logger)
    {
        _connector = connector;
        _settings = settings;
        _logger = logger;
        TimeSpan period = TimeSpan.FromMilliseconds(Math.Clamp(settings.OperationTimeout.TotalMilliseconds / 10, 10, 250));
        _timeoutSweep = new Timer(_ => Sweep(), null, period, period);
    }

    /// <summary>Connections lent out or idle, for diagnostics.</summary>
    public int Count
    {
        get
        {
            lock (_idle)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>
    /// A connection to <paramref name="endpoint"/> for one client's exclusive use; give it back with <see cref="Return"/>.
    /// A new one asks the node for its client id unless <paramref name="learnClientId"/> is false (a node busy with a
    /// script refuses CLIENT ID; such a connection is not for blocking commands, so is not given back for reuse).
    /// </summary>
    public BackendConnection Rent(string endpoint, bool resp3 = false, bool learnClientId = true)
    {
        lock (_idle)
        {
            if (_idle.TryGetValue(IdleKey(endpoint, resp3), out Stack<BackendConnection>? stack))
            {
                while (stack.TryPop(out BackendConnection? idle))
                {
                    if (!idle.IsFailed)
                    {
                        return idle;
                    }
                }
            }
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(DedicatedConnections));
            }
            var connection = new BackendConnection(endpoint, _connector, _settings, _logger, readOnly: false, resp3) { LearnClientId = learnClientId };
            connection.Failed += (failed, _) => Forget(failed);
            _all.Add(connection);
            _sweepList = [.. _all];
            connection.Start();
            return connection;
        }
    }

    /// <summary>
    /// Takes a connection back. <paramref name="reusable"/> says its Redis-side state is clean (no WATCH, no MULTI,
    /// not blocked); otherwise it is closed.
    /// </summary>
    public void Return(BackendConnection connection, bool reusable)
    {
        if (reusable && !connection.IsFailed)
        {
            lock (_idle)
            {
                if (!_disposed)
                {
                    string key = IdleKey(connection.Endpoint, connection.Resp3);
                    if (!_idle.TryGetValue(key, out Stack<BackendConnection>? stack))
                    {
                        stack = new Stack<BackendConnection>();
                        _idle[key] = stack;
                    }
                    if (stack.Count < MaxIdlePerNode)
                    {
                        stack.Push(connection);
                        return;
                    }
                }
            }
        }
        connection.Close("dedicated connection released");
    }

    public async ValueTask DisposeAsync()
    {
        BackendConnection[] all;
        lock (_idle)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            all = [.. _all];
            _idle.Clear();
        }
        await _timeoutSweep.DisposeAsync().ConfigureAwait(false);
        foreach (BackendConnection connection in all)
        {
            connection.Close("Slotgate is shutting down");
        }
        await Task.WhenAll(all.Select(c => c.Finished)).ConfigureAwait(false);
    }

    private static string IdleKey(string endpoint, bool resp3) => resp3 ? endpoint + "#resp3" : endpoint;

    private void Forget(BackendConnection connection)
    {
        lock (_idle)
        {
            if (_all.Remove(connection))
            {
                _sweepList = [.. _all];
            }
        }
    }

    private void Sweep()
    {
        long now = Stopwatch.GetTimestamp();
        foreach (BackendConnection connection in Volatile.Read(ref _sweepList))
        {
            connection.CheckTimeout(now);
        }
    }
}
