using System.Diagnostics;
using Slotgate.Diagnostics;

namespace Slotgate.Tests.Diagnostics;

/// <summary>
/// Counters kept per thread and summed when read: what several threads (event loops) count at once must add up
/// exactly, read as only growing while they count, and reset to 0 without stopping them.
/// </summary>
public class ShardedCountersTests
{
    private const int PerThread = 200_000;

    [Fact]
    public void Sum_TwoThreadsAddingAtOnce_ExactTotals()
    {
        var counters = new ShardedCounters(3);

        RunOnThreads(2, _ =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                counters.Add(0, 1);
                counters.Add(2, 7);
            }
        });

        Assert.Equal(2L * PerThread, counters.Sum(0));
        Assert.Equal(0, counters.Sum(1));
        Assert.Equal(14L * PerThread, counters.Sum(2));
    }

    [Fact]
    public async Task Sum_ThreadPoolThreadsAddingAtOnce_ExactTotal()
    {
        var counters = new ShardedCounters(1);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                counters.Add(0, 1);
            }
        })));

        Assert.Equal(8L * PerThread, counters.Sum(0));
    }

    [Fact]
    public void Sum_ThreadThatCountedHasEnded_ItsCountsStay()
    {
        var counters = new ShardedCounters(1);

        RunOnThreads(1, _ => counters.Add(0, 5));
        RunOnThreads(1, _ => counters.Add(0, 6)); // may take over the first thread's shard

        Assert.Equal(11, counters.Sum(0));
    }

    [Fact]
    public void CommandAnswered_TwoThreads_StatsNodesAndHistogramsSummedExactly()
    {
        using var metrics = new SlotgateMetrics();
        using var exporter = new PrometheusExporter(metrics);
        CommandStat stat = metrics.Commands.Other;
        NodeStat node = metrics.Node("127.0.0.1:7000");

        RunOnThreads(2, thread =>
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < PerThread; i++)
            {
                metrics.CommandRead(20);
                metrics.BackendReplied(node, start, start, error: i % 4 == 0);
                metrics.CommandAnswered(stat, 20, start, start, i % 2 == 0 ? CommandResult.Ok : CommandResult.Error, rejected: false);
                metrics.RepliesWrittenOnArrival(1);
            }
        });

        Assert.Equal(2L * PerThread, stat.Calls);
        Assert.Equal(PerThread, stat.Answered(CommandResult.Ok));
        Assert.Equal(PerThread, stat.Failed);
        Assert.Equal(2L * PerThread, metrics.CommandsTotal);
        Assert.Equal(PerThread, metrics.ErrorReplies);
        Assert.Equal(2L * PerThread, metrics.WrittenOnArrival);
        Assert.Equal(2L * PerThread, node.Requests);
        Assert.Equal(PerThread / 2, node.Errors);
        Assert.Equal(0, metrics.Inflight);
        Assert.Equal(0, metrics.InflightBytes);
        var buckets = new long[LatencyHistogram.BucketCount];
        stat.Latency.CopyTo(buckets);
        Assert.Equal(2L * PerThread, buckets.Sum());
        string scrape = exporter.Render();
        Assert.Equal(2 * PerThread, AdminClient.Sample(scrape, "slotgate_command_duration_seconds_count{command=\"other\"}"));
        Assert.Equal(PerThread, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"other\",result=\"error\"}"));
        Assert.Equal(PerThread / 2, AdminClient.Sample(scrape, "slotgate_backend_requests_total{node=\"127.0.0.1:7000\",result=\"error\"}"));
    }

    [Fact]
    public void Calls_ReadWhileTwoThreadsCount_NeverGoesDown()
    {
        using var metrics = new SlotgateMetrics();
        CommandStat stat = metrics.Commands.Other;
        using var done = new CountdownEvent(2);
        long last = 0;
        bool decreased = false;
        var reader = new Thread(() =>
        {
            while (!done.IsSet)
            {
                long calls = stat.Calls;
                decreased |= calls < last;
                last = calls;
            }
        });
        reader.Start();

        RunOnThreads(2, _ =>
        {
            long now = Stopwatch.GetTimestamp();
            for (int i = 0; i < PerThread; i++)
            {
                metrics.CommandAnswered(stat, 0, now, now, CommandResult.Ok, rejected: false);
            }
            done.Signal();
        });
        reader.Join();

        Assert.False(decreased);
        Assert.Equal(2L * PerThread, stat.Calls);
    }

    [Fact]
    public void IdentityStats_ConnectAndDisconnectOnDifferentThreads_SumIsOpenConnections()
    {
        var identities = new IdentityStats([], counting: true);

        RunOnThreads(1, _ =>
        {
            for (int i = 0; i < 10; i++)
            {
                identities.Connected(IdentityStats.OtherBucket);
            }
        });
        RunOnThreads(1, _ =>
        {
            for (int i = 0; i < 4; i++)
            {
                identities.Disconnected(IdentityStats.OtherBucket);
            }
        });

        Assert.Equal(6, identities.ConnectedClients(IdentityStats.OtherBucket));
    }

    [Fact]
    public void ShardedGauge_TwoThreadsAddAndRemovePastQuantum_ValueExactEstimateWithinQuantum()
    {
        var gauge = new ShardedGauge();
        const int Bytes = 1000;

        // One thread adds what the other removes, as a command read on one loop and answered on another.
        RunOnThreads(1, _ =>
        {
            for (int i = 0; i < 500; i++)
            {
                gauge.Add(Bytes);
            }
        });
        Assert.Equal(500 * Bytes, gauge.Value);
        Assert.InRange(gauge.Estimate, 500 * Bytes - ShardedGauge.Quantum, 500 * Bytes);
        RunOnThreads(1, _ =>
        {
            for (int i = 0; i < 300; i++)
            {
                gauge.Add(-Bytes);
            }
        });

        Assert.Equal(200 * Bytes, gauge.Value);
        Assert.InRange(gauge.Estimate, 200 * Bytes - 2 * ShardedGauge.Quantum, 200 * Bytes + 2 * ShardedGauge.Quantum);
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="count"/> new threads started together, and waits for them.</summary>
    private static void RunOnThreads(int count, Action<int> body)
    {
        using var start = new Barrier(count);
        var threads = new Thread[count];
        for (int t = 0; t < count; t++)
        {
            int index = t;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                body(index);
            });
            threads[t].Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }
}
