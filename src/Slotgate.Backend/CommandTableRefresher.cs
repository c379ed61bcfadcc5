using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Cluster;

namespace Slotgate.Commands;

/// <summary>
/// Keeps the command table in step with the cluster: learns it from every primary at start-up
/// (<see cref="RefreshAsync"/>) and again whenever the topology changes (a node added or replaced, a failover, a slot
/// moved), at most once per <see cref="MinInterval"/>, since a rolling upgrade shows up as exactly such changes. The
/// topology is watched by its version, a field read per tick; nothing is done while it stays the same.
/// </summary>
internal sealed partial class CommandTableRefresher : IAsyncDisposable
{
    private readonly CommandTableSource _source;
    private readonly TopologyRefresher _topology;
    private readonly BackendPool _pool;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private long _learnedVersion = -1;
    private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;

    public CommandTableRefresher(CommandTableSource source, TopologyRefresher topology, BackendPool pool, ILogger<CommandTableRefresher> logger, TimeProvider time)
    {
        (_source, _topology, _pool, _logger, _time) = (source, topology, pool, logger, time);
    }

    /// <summary>How often the topology version is looked at.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two refreshes caused by topology changes.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Refreshes done so far that reached at least one node.</summary>
    public int Refreshes { get; private set; }

    public void Start() => _loop ??= RunAsync(_stopping.Token);

    /// <summary>Asks every primary of the current topology now; false when none answered (the table is kept).</summary>
    public async Task<bool> RefreshAsync()
    {
        SlotMap map = _topology.Current;
        string[] endpoints = [.. map.Shards.Select(s => s.Primary.Endpoint).Distinct(StringComparer.Ordinal)];
        if (endpoints.Length == 0)
        {
            return false;
        }
        _lastRefresh = _time.GetUtcNow();
        CommandTable current = _source.Table;
        CommandTable? learned = await BackendCommands.LearnAsync(_source.Seed, current, _pool, endpoints, Timeout, _logger).ConfigureAwait(false);
        Interlocked.Exchange(ref _learnedVersion, map.Version);
        if (learned is null)
        {
            Log.Unreachable(_logger, string.Join(", ", endpoints));
            return false;
        }
        Refreshes++;
        if (!ReferenceEquals(learned, current))
        {
            current.Replace(learned);
        }
        return true;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_topology.Current.Version != Interlocked.Read(ref _learnedVersion) && _time.GetUtcNow() - _lastRefresh >= MinInterval)
                {
                    await RefreshSafelyAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RefreshSafelyAsync()
    {
        try
        {
            await RefreshAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bad reply must not end the watch: the table in use stays, and the next change tries again.
            Log.Failed(_logger, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 452, Level = LogLevel.Warning, Message = "No node answered COMMAND ({Nodes}); the command table stays as it was")]
        public static partial void Unreachable(ILogger logger, string nodes);

        [LoggerMessage(EventId = 453, Level = LogLevel.Warning, Message = "Refreshing the command table failed; the table in use stays")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
