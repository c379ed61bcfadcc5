using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Slotgate.Protocol;

namespace Slotgate.Cluster;

/// <summary>
/// Keeps the current <see cref="SlotMap"/>: discovers the cluster from the seeds, refreshes it periodically and
/// whenever something suggests it changed (a MOVED reply, a failed node connection), with refreshes debounced to
/// at most one per <see cref="TopologySettings.MinInterval"/>. A failed refresh keeps the last good map.
/// Readers get the map through one volatile read; writers swap in whole new snapshots.
/// </summary>
internal sealed partial class TopologyRefresher : IAsyncDisposable
{
    private readonly IClusterNodeClient _nodes;
    private readonly TopologySettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstMap = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private const int ViewsConsulted = 3;
    private static readonly TimeSpan ViewGrace = TimeSpan.FromMilliseconds(200);
    private SlotMap _current = SlotMap.Empty;
    private Task? _loop;
    private int _refreshRequested;
    private int _disposed;

    public TopologyRefresher(IClusterNodeClient nodes, TopologySettings settings, ILogger<TopologyRefresher> logger, TimeProvider? time = null)
    {
        _nodes = nodes;
        _settings = settings;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _nodes.NodeConnectionFailed += endpoint => RequestRefresh($"connection to {endpoint} failed");
    }

    /// <summary>The current slot map. Never null; empty until the first discovery succeeds.</summary>
    public SlotMap Current => Volatile.Read(ref _current);

    /// <summary>Completes when the first topology has been discovered.</summary>
    public Task FirstMap => _firstMap.Task;

    /// <summary>When the last refresh succeeded (UTC), or null.</summary>
    public DateTimeOffset? LastRefresh { get; private set; }

    public string? LastError { get; private set; }

    public void Start() => _loop ??= RunAsync(_stopping.Token);

    /// <summary>Asks for a refresh soon; calls within the debounce interval collapse into one refresh.</summary>
    public void RequestRefresh(string reason)
    {
        if (Interlocked.Exchange(ref _refreshRequested, 1) == 0)
        {
            Log.RefreshRequested(_logger, reason);
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // A wake-up is already pending.
            }
        }
    }

    /// <summary>
    /// Applies a MOVED redirect at once: <paramref name="slot"/> now belongs to <paramref name="endpoint"/>. The map is
    /// patched so following commands go straight there, and a full refresh is scheduled to learn the rest.
    /// </summary>
    public void ApplyMoved(int slot, string endpoint)
    {
        while (true)
        {
            SlotMap current = Current;
            SlotMap patched = current.WithSlotMoved(slot, endpoint);
            if (ReferenceEquals(patched, current) || Interlocked.CompareExchange(ref _current, patched, current) == current)
            {
                break;
            }
        }
        RequestRefresh($"MOVED {slot} {endpoint}");
    }

    /// <summary>Runs one discovery now, trying known nodes then seeds; returns true when a map was obtained.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var errors = new List<string>();
        var views = new List<(string Source, IReadOnlyList<Shard> Shards, string Signature)>();
        List<string> candidates = [.. Candidates()];
        // Ask a few nodes at once; once one has answered, the others get a short grace period, so a dead or slow node
        // never delays a refresh by more than that (failover recovery depends on refreshes being quick).
        for (int next = 0; views.Count == 0 && next < candidates.Count; next += ViewsConsulted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<Task<(string Endpoint, IReadOnlyList<Shard>? Shards, string? Error)>> asks =
                [.. candidates.Skip(next).Take(ViewsConsulted).Select(TryDiscoverAsync)];
            var firstAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var ask in asks)
            {
                _ = ask.ContinueWith(t => { if (t.IsCompletedSuccessfully && t.Result.Shards is not null) firstAnswer.TrySetResult(); }, TaskScheduler.Default);
            }
            Task all = Task.WhenAll(asks);
            Task grace = firstAnswer.Task.ContinueWith(_ => Task.Delay(ViewGrace), TaskScheduler.Default).Unwrap();
            await Task.WhenAny(all, grace).ConfigureAwait(false);
            foreach (var ask in asks)
            {
                if (!ask.IsCompletedSuccessfully)
                {
                    continue;
                }
                var (endpoint, shards, error) = ask.Result;
                if (shards is not null)
                {
                    views.Add((endpoint, shards, Signature(shards)));
                }
                else
                {
                    errors.Add($"{endpoint}: {error}");
                }
            }
        }
        if (views.Count > 0)
        {
            var (source, shards, _) = ChooseView(views);
            _settings.Metrics.TopologyRefreshed(ok: true, changed: Publish(shards, source));
            LastError = null;
            LastRefresh = _time.GetUtcNow();
            return true;
        }
        LastError = string.Join("; ", errors);
        _settings.Metrics.TopologyRefreshed(ok: false, changed: false);
        Log.RefreshFailed(_logger, LastError);
        return false;
    }

    private async Task<(string Endpoint, IReadOnlyList<Shard>? Shards, string? Error)> TryDiscoverAsync(string endpoint)
    {
        try
        {
            IReadOnlyList<Shard> shards = await DiscoverAsync(endpoint).ConfigureAwait(false);
            return shards.Count == 0 ? (endpoint, null, "no slots assigned") : (endpoint, shards, null);
        }
        catch (Exception ex) when (ex is ClusterNodeException or TimeoutException or InvalidOperationException or RespProtocolException)
        {
            return (endpoint, null, ex.Message);
        }
    }

    /// <summary>
    /// Nodes can disagree for a moment (a failover or a slot move still spreading through the cluster bus, a partitioned
    /// node with an old view). Slotgate asks up to <see cref="ViewsConsulted"/> nodes and takes the view most of them
    /// report; on a tie, the one that covers more slots (a node that lost its view serves fewer), then the first asked.
    /// </summary>
    internal static (string Source, IReadOnlyList<Shard> Shards, string Signature) ChooseView(
        List<(string Source, IReadOnlyList<Shard> Shards, string Signature)> views)
    {
        var best = views[0];
        int bestVotes = 0;
        int bestCovered = -1;
        foreach (var view in views)
        {
            int votes = views.Count(v => v.Signature == view.Signature);
            int covered = view.Shards.Sum(s => s.SlotCount);
            if (votes > bestVotes || (votes == bestVotes && covered > bestCovered))
            {
                best = view;
                bestVotes = votes;
                bestCovered = covered;
            }
        }
        return best;
    }

    /// <summary>Which primary serves which slots: two views with the same signature route identically.</summary>
    private static string Signature(IReadOnlyList<Shard> shards) =>
        string.Join(";", shards
            .Select(s => s.Primary.Endpoint + "=" + string.Join(",", s.Ranges.OrderBy(r => r.From)))
            .Order(StringComparer.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping.Cancel();
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        TimeSpan retry = TimeSpan.FromMilliseconds(100);
        while (!stopping.IsCancellationRequested)
        {
            Volatile.Write(ref _refreshRequested, 0);
            long started = Stopwatch.GetTimestamp();
            bool ok = await RefreshAsync(stopping).ConfigureAwait(false);
            TimeSpan wait;
            if (Current.Shards.Count == 0)
            {
                // Nothing discovered yet: keep trying with a growing delay, so start-up waits for the cluster.
                wait = retry;
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
            else
            {
                wait = ok ? _settings.Interval : _settings.MinInterval;
            }
            try
            {
                if (await _wake.WaitAsync(wait, stopping).ConfigureAwait(false))
                {
                    // Debounce: a triggered refresh waits until MinInterval has passed since the last one started.
                    TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
                    if (elapsed < _settings.MinInterval)
                    {
                        await Task.Delay(_settings.MinInterval - elapsed, stopping).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private IEnumerable<string> Candidates()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        SlotMap map = Current;
        foreach (Shard shard in map.Shards)
        {
            if (shard.Primary.Healthy && seen.Add(shard.Primary.Endpoint))
            {
                yield return shard.Primary.Endpoint;
            }
        }
        foreach (Shard shard in map.Shards)
        {
            foreach (ClusterNode replica in shard.Replicas)
            {
                if (replica.Healthy && seen.Add(replica.Endpoint))
                {
                    yield return replica.Endpoint;
                }
            }
        }
        foreach (string seed in _settings.Seeds)
        {
            if (seen.Add(seed))
            {
                yield return seed;
            }
        }
    }

    private async Task<IReadOnlyList<Shard>> DiscoverAsync(string endpoint)
    {
        RespValue reply = await _nodes.ExecuteAsync(endpoint, _settings.Timeout, "CLUSTER", "SHARDS").ConfigureAwait(false);
        if (!reply.IsError)
        {
            return TopologyParser.ParseShards(reply, _settings.Tls);
        }
        if (reply.Text is { } text && text.Contains("unknown subcommand", StringComparison.OrdinalIgnoreCase))
        {
            // Redis before 7.0 has no CLUSTER SHARDS.
            reply = await _nodes.ExecuteAsync(endpoint, _settings.Timeout, "CLUSTER", "SLOTS").ConfigureAwait(false);
            return TopologyParser.ParseSlots(reply);
        }
        throw new InvalidOperationException(reply.Text);
    }

    /// <summary>Swaps in the new map unless it equals the current one; true when it changed.</summary>
    private bool Publish(IReadOnlyList<Shard> shards, string source)
    {
        bool changed = false;
        while (true)
        {
            SlotMap current = Current;
            var next = new SlotMap(shards, current.Version + 1);
            if (SameTopology(current, next))
            {
                break;
            }
            if (Interlocked.CompareExchange(ref _current, next, current) == current)
            {
                LogChange(current, next, source);
                changed = true;
                break;
            }
        }
        _firstMap.TrySetResult();
        return changed;
    }

    private void LogChange(SlotMap previous, SlotMap next, string source)
    {
        Log.Changed(_logger, source, next.Shards.Count, next.CoveredSlots, previous.Shards.Count);
        foreach (Shard shard in next.Shards)
        {
            Log.ShardServed(_logger,
                shard.Primary.Endpoint,
                string.Join(", ", shard.Replicas.Select(r => r.Healthy ? r.Endpoint : r.Endpoint + " (down)")),
                string.Join(",", shard.Ranges));
        }
        if (!next.IsFullyCovered)
        {
            Log.SlotsUncovered(_logger, string.Join(",", next.UncoveredRanges()));
        }
    }

    private static bool SameTopology(SlotMap a, SlotMap b)
    {
        if (a.Shards.Count != b.Shards.Count || a.CoveredSlots != b.CoveredSlots)
        {
            return false;
        }
        for (int slot = 0; slot < HashSlot.Count; slot++)
        {
            Shard? x = a.GetShard(slot);
            Shard? y = b.GetShard(slot);
            if (x?.Primary.Endpoint != y?.Primary.Endpoint)
            {
                return false;
            }
        }
        for (int i = 0; i < a.Shards.Count; i++)
        {
            Shard x = a.Shards[i];
            Shard? y = b.Shards.FirstOrDefault(s => s.Primary.Endpoint == x.Primary.Endpoint);
            if (y is null || x.Primary.Healthy != y.Primary.Healthy || x.Replicas.Count != y.Replicas.Count ||
                !x.Replicas.Select(r => (r.Endpoint, r.Healthy)).SequenceEqual(y.Replicas.Select(r => (r.Endpoint, r.Healthy))))
            {
                return false;
            }
        }
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Debug, Message = "Topology refresh requested: {Reason}")]
        public static partial void RefreshRequested(ILogger logger, string reason);

        [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Topology refresh failed, keeping the last known map: {Errors}")]
        public static partial void RefreshFailed(ILogger logger, string? errors);

        [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Topology from {Source}: {Shards} shards, {Covered}/16384 slots covered (was {PreviousShards} shards)")]
        public static partial void Changed(ILogger logger, string source, int shards, int covered, int previousShards);

        [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "  shard primary {Primary} replicas [{Replicas}] slots {Ranges}")]
        public static partial void ShardServed(ILogger logger, string primary, string replicas, string ranges);

        [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "Slots not served by any node (commands for them get -CLUSTERDOWN): {Ranges}")]
        public static partial void SlotsUncovered(ILogger logger, string ranges);
    }
}
