using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Diagnostics;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Benchmarks;

/// <summary>
/// The per-command path of an event loop — parse, admit, route, account, reply — run on 1 and then 2 threads at once,
/// each thread with its own client bytes but the one <see cref="SlotgateMetrics"/> and request pool of a server, as
/// event loops share them. It reports each thread count's CPU time per command (the threads' own CPU clocks, so
/// another process taking a core does not count) and the ratio of two threads to one: anything written per command
/// and shared between loops shows up as a ratio above 1.
/// </summary>
/// <remarks>
/// Outside BenchmarkDotNet because it needs several threads at once. No sockets, no node: the reply is a fixed
/// <c>$5</c> bulk scanned and copied once into an output buffer, as the copy-once path does.
/// <code>dotnet run -c Release --project bench/Slotgate.Benchmarks -- scaling [seconds per run] [rounds]</code>
/// </remarks>
internal static class ScalingRun
{
    private const int CheckEvery = 4096;

    public static int Run(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var metrics = new SlotgateMetrics();
        CommandTable table = ProxyCommandAdditions.AddTo(CommandTable.BuiltIn);
        metrics.Commands.Register(table);
        var map = new SlotMap(
        [
            Shard("10.0.0.1:6379", 0, 5460),
            Shard("10.0.0.2:6379", 5461, 10922),
            Shard("10.0.0.3:6379", 10923, 16383),
        ], version: 1);
        var shared = new Shared(metrics, table, map);

        // Warm up both shapes (JIT tiers, thread caches) before anything is timed.
        Measure(shared, 1, Math.Min(1, seconds));
        Measure(shared, 2, Math.Min(1, seconds));
        var one = new List<double>();
        var two = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            (double single, _) = Measure(shared, 1, seconds);
            (double pair, double overlap) = Measure(shared, 2, seconds);
            one.Add(single);
            two.Add(pair);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: 1 thread {single:F1} ns/command, 2 threads {pair:F1} ns/command, ratio {pair / single:F3} (2 threads on CPU together: {overlap:F2} cores)"));
        }
        double m1 = Median(one), m2 = Median(two);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median of {rounds}: 1 thread {m1:F1} ns/command, 2 threads {m2:F1} ns/command, ratio {m2 / m1:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"check: {metrics.CommandsTotal} commands counted, {metrics.Inflight} in flight"));
        return 0;
    }

    /// <summary>
    /// CPU nanoseconds per command over <paramref name="threads"/> threads running for <paramref name="seconds"/>, and
    /// their CPU time over the wall time: how many cores they really had at once (other processes share the machine).
    /// </summary>
    private static (double NanosPerCommand, double Cores) Measure(Shared shared, int threads, double seconds)
    {
        var workers = new Worker[threads];
        var started = new Barrier(threads + 1);
        var running = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            var worker = workers[i] = new Worker(shared, i);
            running[i] = new Thread(() => worker.Run(started, seconds)) { IsBackground = true, Name = "scaling-" + i };
            running[i].Start();
        }
        started.SignalAndWait();
        long wall = Stopwatch.GetTimestamp();
        long commands = 0, cpu = 0;
        for (int i = 0; i < threads; i++)
        {
            running[i].Join();
            commands += workers[i].Commands;
            cpu += workers[i].CpuNanos;
        }
        double wallNanos = Stopwatch.GetElapsedTime(wall).TotalNanoseconds;
        return ((double)cpu / commands, cpu / wallNanos);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    private static Shard Shard(string endpoint, int from, int to) =>
        new(new ClusterNode(new string('a', 40), endpoint, IsPrimary: true), [], [new SlotRange(from, to)]);

    private sealed record Shared(SlotgateMetrics Metrics, CommandTable Table, SlotMap Map);

    /// <summary>One thread's client: its own bytes, parser and output, as a connection of one event loop.</summary>
    private sealed class Worker(Shared shared, int index)
    {
        private readonly RequestParser _parser = new();
        private readonly RequestPool _pool = RequestPool.Shared;
        private readonly byte[] _command = Frames.Encode("GET", "user:" + (1000 + index).ToString(CultureInfo.InvariantCulture));
        private readonly ReadOnlySequence<byte> _reply = new("$5\r\nvalue\r\n"u8.ToArray());
        private readonly ArrayBufferWriter<byte> _output = new(4096);
        private readonly Shard[] _shards = [.. shared.Map.Shards];
        private readonly NodeStat[] _nodes = [.. shared.Map.Shards.Select(s => shared.Metrics.Node(s.Primary.Endpoint))];

        public long Commands { get; private set; }

        public long CpuNanos { get; private set; }

        public void Run(Barrier started, double seconds)
        {
            started.SignalAndWait();
            long until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            long cpuStart = ThreadCpuNanos();
            long commands = 0;
            do
            {
                for (int i = 0; i < CheckEvery; i++)
                {
                    OneCommand();
                }
                commands += CheckEvery;
            }
            while (Stopwatch.GetTimestamp() < until);
            CpuNanos = ThreadCpuNanos() - cpuStart;
            Commands = commands;
        }

        private void OneCommand()
        {
            SlotgateMetrics metrics = shared.Metrics;
            // Parse, as the session's read loop does for a whole command at the start of its buffer.
            ProxyRequest request = _pool.Rent();
            _parser.TryParseWhole(_command, request.Frame, out int length);
            request.StartedAt = Stopwatch.GetTimestamp();
            // Admit: the command table, arity and the command's statistics.
            RequestFrame frame = request.Frame;
            CommandInfo command = shared.Table.Find(frame)!;
            if (!command.HasValidArity(frame.ArgCount))
            {
                throw new InvalidOperationException("arity");
            }
            request.Stat = metrics.Commands.For(command);
            // The proxy-wide byte budget, then the command is in flight.
            if (OverBudget(metrics))
            {
                throw new InvalidOperationException("budget");
            }
            metrics.CommandRead(length);
            // Route: the key's slot and its owner.
            Span<int> keys = stackalloc int[4];
            int count = command.FindKeys(frame, keys);
            int slot = HashSlot.Of(frame.Arg(keys[count - 1]));
            Shard owner = shared.Map.GetShard(slot)!;
            long sentAt = Stopwatch.GetTimestamp();
            // Reply: the node's reply framed, counted for its node, then copied once to the client's output.
            var reader = new SequenceReader<byte>(_reply);
            RespScanner.TrySkipValue(ref reader);
            long now = Stopwatch.GetTimestamp();
            metrics.BackendReplied(NodeOf(owner), sentAt, now, error: false);
            ReadOnlySpan<byte> reply = _reply.FirstSpan;
            reply.CopyTo(_output.GetSpan(reply.Length));
            _output.Advance(reply.Length);
            if (_output.WrittenCount > 2048)
            {
                _output.ResetWrittenCount();
            }
            metrics.RepliesWrittenOnArrival(1);
            // Account, as the reply writer does once the reply has left.
            CommandStat stat = request.Stat ?? metrics.Commands.Other;
            CommandResult result = ReplyClassifier.Classify(reply);
            metrics.CommandAnswered(stat, length, request.StartedAt, now, result, request.Rejected);
            long micros = (long)Stopwatch.GetElapsedTime(request.StartedAt, now).TotalMicroseconds;
            if (metrics.SlowLog.IsSlow(micros))
            {
                metrics.SlowLog.Add(frame, micros, "bench", null);
            }
            _pool.Return(request);
        }

        /// <summary>What a backend connection holds from the start: its node's statistics.</summary>
        private NodeStat NodeOf(Shard owner)
        {
            for (int i = 0; i < _shards.Length; i++)
            {
                if (ReferenceEquals(_shards[i], owner))
                {
                    return _nodes[i];
                }
            }
            throw new InvalidOperationException("no such shard");
        }

        /// <summary>The session's check of limits.maxPendingBytes (1 GiB by default) for a command just read.</summary>
        private static bool OverBudget(SlotgateMetrics metrics) =>
            metrics.InflightBytesEstimate + ReplyBytesWaiting.Estimate > 1024L * 1024 * 1024;

        /// <summary>The dispatcher's count of reply bytes not yet written (only read on this path).</summary>
        private static readonly ShardedGauge ReplyBytesWaiting = new();
    }

    private static long ThreadCpuNanos()
    {
        if (ClockGetTime(ThreadCpuClock, out TimeSpec time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
