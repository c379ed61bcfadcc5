using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Slotgate.Tests.Support.Chaos;

/// <summary>
/// A steady read/write load through Slotgate for chaos scenarios. Each worker (its own client connection) writes a new
/// key per SET, so every value is unique and never overwritten, and reads back one of its earlier keys after each write.
/// Every write, acknowledgement, error and read is recorded; <see cref="StopAsync"/> then reads every acknowledged key
/// back and reports what was lost, what was read wrongly and where and when errors came.
/// Half the keys carry one of <see cref="Tags"/> as hashtag, so scenarios that move slots can move slots with traffic.
/// </summary>
internal sealed class ChaosWorkload : IAsyncDisposable
{
    public static readonly string[] Tags = ["c0", "c1", "c2", "c3", "c4", "c5"];

    private readonly IPEndPoint _endpoint;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<ChaosError> _errors = new();
    private readonly ConcurrentQueue<string> _badReads = new();
    private readonly ConcurrentQueue<ChaosWrite> _missingReads = new();
    private readonly List<ChaosWrite>[] _writes;
    private readonly Task[] _workers;
    private TimeSpan? _faultAt;
    private long _operations;

    private ChaosWorkload(IPEndPoint endpoint, int workers)
    {
        _endpoint = endpoint;
        _writes = new List<ChaosWrite>[workers];
        _workers = new Task[workers];
        for (int i = 0; i < workers; i++)
        {
            _writes[i] = [];
            int worker = i;
            _workers[i] = Task.Run(() => RunWorkerAsync(worker));
        }
    }

    /// <summary>The slots of <see cref="Tags"/>, which tagged keys land in.</summary>
    public static int[] TagSlots => [.. Tags.Select(t => HashSlot.Of(Encoding.UTF8.GetBytes(t))).Distinct()];

    public long Operations => Interlocked.Read(ref _operations);

    public static ChaosWorkload Start(IPEndPoint endpoint, int workers = 4) => new(endpoint, workers);

    /// <summary>Marks the moment the fault is injected; the error window is measured from here.</summary>
    public void MarkFault() => _faultAt ??= _clock.Elapsed;

    /// <summary>Waits until the load has run <paramref name="clean"/> without any error (the cluster recovered).</summary>
    public async Task WaitForCleanRunAsync(TimeSpan clean, TimeSpan timeout)
    {
        TimeSpan deadline = _clock.Elapsed + timeout;
        while (true)
        {
            TimeSpan lastError = _errors.IsEmpty ? TimeSpan.Zero : _errors.Max(e => e.At);
            long before = Operations;
            TimeSpan start = _clock.Elapsed;
            if (start - lastError >= clean && before > 0)
            {
                return;
            }
            Assert.True(start < deadline, $"errors went on for more than {timeout.TotalSeconds} s: {_errors.LastOrDefault()}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Stops the load and checks it: every acknowledged key must still hold its value, unless
    /// <paramref name="lostByRedis"/> says Redis itself lost that write; <paramref name="disturbed"/> tells which slots
    /// the scenario may cause errors on.
    /// </summary>
    /// <summary>Stops the workers without a report: a scenario that failed midway must not leave load running behind it.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_workers).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    public async Task<ChaosReport> StopAsync(string scenario, Func<int, bool> disturbed, Func<ChaosWrite, bool>? lostByRedis = null)
    {
        _stop.Cancel();
        await Task.WhenAll(_workers);
        lostByRedis ??= _ => false;

        List<ChaosWrite> acknowledged = [.. _writes.SelectMany(w => w).Where(w => w.Acknowledged)];
        var lost = new List<string>();
        int lostToRedis = 0;
        await using RespTestClient client = await RespTestClient.ConnectAsync(_endpoint);
        foreach (ChaosWrite[] chunk in acknowledged.Chunk(500))
        {
            RespValue values = await client.CallAsync(["MGET", .. chunk.Select(w => w.Key)]);
            Assert.False(values.IsError, "final check: " + values);
            for (int i = 0; i < chunk.Length; i++)
            {
                string? value = values.Items![i].Text;
                if (value == chunk[i].Value)
                {
                    continue;
                }
                if (value is null && lostByRedis(chunk[i]))
                {
                    lostToRedis++;
                }
                else
                {
                    lost.Add($"{chunk[i].Key}={chunk[i].Value} (read {value ?? "nil"})");
                }
            }
        }
        // A read that found nothing under an acknowledged key is a loss too, unless Redis lost that write.
        foreach (ChaosWrite missing in _missingReads.Distinct())
        {
            if (!lostByRedis(missing) && !lost.Any(l => l.StartsWith(missing.Key + "=", StringComparison.Ordinal)))
            {
                lost.Add($"{missing.Key}={missing.Value} (read nil during the run)");
            }
        }

        List<ChaosError> errors = [.. _errors.OrderBy(e => e.At)];
        TimeSpan fault = _faultAt ?? TimeSpan.Zero;
        return new ChaosReport
        {
            Scenario = scenario,
            Operations = Operations,
            AcknowledgedWrites = acknowledged.Count,
            Errors = errors,
            ErrorsElsewhere = [.. errors.Where(e => !disturbed(e.Slot))],
            ErrorWindow = errors.Count == 0 ? TimeSpan.Zero : errors[^1].At - fault,
            LostWrites = lost,
            LostByRedis = lostToRedis,
            BadReads = [.. _badReads],
        };
    }

    private async Task RunWorkerAsync(int worker)
    {
        List<ChaosWrite> writes = _writes[worker];
        var random = new Random(worker);
        RespTestClient? client = null;
        long seq = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                client ??= await RespTestClient.ConnectAsync(_endpoint);
                string key = seq % 2 == 0
                    ? $"chaos:{{{Tags[(int)(seq / 2 % Tags.Length)]}}}:{worker}:{seq}"
                    : $"chaos:{worker}:{seq}";
                var write = new ChaosWrite(key, string.Create(CultureInfo.InvariantCulture, $"{worker}:{seq}"), HashSlot.Of(Encoding.UTF8.GetBytes(key)));
                seq++;
                writes.Add(write);
                await CallAsync(client, write, "SET", write.Key, write.Value);

                ChaosWrite read = writes[Math.Max(0, writes.Count - 1 - random.Next(200))];
                await CallAsync(client, read, "GET", read.Key);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // A broken or silent connection is a client-visible error like any other; start a new one.
                _errors.Enqueue(new ChaosError(_clock.Elapsed, writes.Count > 0 ? writes[^1].Slot : -1, "connection: " + ex.Message));
                if (client is not null)
                {
                    await client.DisposeAsync();
                    client = null;
                }
            }
        }
        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }

    private async Task CallAsync(RespTestClient client, ChaosWrite write, params string[] args)
    {
        RespValue reply = await client.CallAsync(args);
        Interlocked.Increment(ref _operations);
        if (reply.IsError)
        {
            _errors.Enqueue(new ChaosError(_clock.Elapsed, write.Slot, $"{args[0]} {write.Key}: {reply.Text}"));
        }
        else if (args[0] == "SET")
        {
            write.Acknowledged = reply.Text == "OK";
        }
        else if (reply.Text is null)
        {
            if (write.Acknowledged)
            {
                _missingReads.Enqueue(write);
            }
        }
        else if (reply.Text != write.Value)
        {
            _badReads.Enqueue($"{write.Key}: read {reply.Text}, wrote {write.Value}");
        }
    }
}
