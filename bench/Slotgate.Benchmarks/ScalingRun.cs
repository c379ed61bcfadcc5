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
/// <para>
/// On a machine shared with other work, two threads are often not on a core at the same time, and then they cannot
/// contend. So each thread times itself in batches of <see cref="Batch"/> commands, and the figure that counts is
/// over the batches that ran uninterrupted (thread CPU time at least 90% of the batch's wall time) while the other
/// thread was running too (it finished a batch meanwhile). The share of such batches is printed beside it.
/// </para>
/// </summary>
/// <remarks>
/// Outside BenchmarkDotNet because it needs several threads at once. No sockets, no node: the reply is a fixed
/// <c>$5</c> bulk scanned and copied once into an output buffer, as the copy-once path does.
/// <code>dotnet run -c Release --project bench/Slotgate.Benchmarks -- scaling [seconds per run] [rounds]</code>
/// </remarks>
internal static class ScalingRun
{
    /// <summary>Commands between two looks at the clocks (about 0.2 ms).</summary>
    private const int Batch = 1024;

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
        Result one = default, two = default;
        for (int round = 0; round < rounds; round++)
        {
            Result single = Measure(shared, 1, seconds);
            Result pair = Measure(shared, 2, seconds);
            one += single;
            two += pair;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: 1 thread {single.Clean:F1} ns/command ({single.CleanShare:P0} of batches), 2 threads {pair.Clean:F1} ns/command ({pair.CleanShare:P0} of batches), ratio {pair.Clean / single.Clean:F3}; over all batches {single.All:F1} and {pair.All:F1} ns/command, 2 threads on {pair.Cores:F2} cores"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"all {rounds} rounds: 1 thread {one.Clean:F1} ns/command ({one.CleanCommands} commands in clean batches), 2 threads {two.Clean:F1} ns/command ({two.CleanCommands} commands), ratio {two.Clean / one.Clean:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"check: {metrics.CommandsTotal} commands counted, {metrics.Inflight} in flight"));
        return 0;
    }

    /// <summary>
    /// CPU nanoseconds per command over <paramref name="threads"/> threads running for <paramref name="seconds"/>, and
    /// their CPU time over the wall time: how many cores they really had at once (other processes share the machine).
    /// </summary>
    private static Result Measure(Shared shared, int threads, double seconds)
    {
        var workers = new Worker[threads];
        var started = new Barrier(threads + 1);
        var running = new Thread[threads];
        var progress = new long[(threads + 1) * 16]; // each thread's batch count, a cache line or two apart
        for (int i = 0; i < threads; i++)
        {
            var worker = workers[i] = new Worker(shared, i, progress, threads > 1 ? 1 - i : -1);
            running[i] = new Thread(() => worker.Run(started, seconds)) { IsBackground = true, Name = "scaling-" + i };
            running[i].Start();
        }
        started.SignalAndWait();
        long wall = Stopwatch.GetTimestamp();
        long commands = 0, cpu = 0, cleanCommands = 0, cleanCpu = 0;
        for (int i = 0; i < threads; i++)
        {
            running[i].Join();
            commands += workers[i].Commands;
            cpu += workers[i].CpuNanos;
            cleanCommands += workers[i].CleanCommands;
            cleanCpu += workers[i].CleanCpuNanos;
        }
        double wallNanos = Stopwatch.GetElapsedTime(wall).TotalNanoseconds;
        return new Result(commands, cpu, cleanCommands, cleanCpu, wallNanos);
    }

    /// <summary>Commands and CPU time of one run (or several added up), all batches and the clean ones.</summary>
    private readonly record struct Result(long Commands, long CpuNanos, long CleanCommands, long CleanCpuNanos, double WallNanos)
    {
        /// <summary>Nanoseconds per command over the clean batches.</summary>
        public double Clean => CleanCommands == 0 ? double.NaN : (double)CleanCpuNanos / CleanCommands;

        public double CleanShare => (double)CleanCommands / Commands;

        /// <summary>Nanoseconds per command over all batches.</summary>
        public double All => (double)CpuNanos / Commands;

        /// <summary>CPU time over wall time: how many cores the threads had at once.</summary>
        public double Cores => CpuNanos / WallNanos;

        public static Result operator +(Result a, Result b) =>
            new(a.Commands + b.Commands, a.CpuNanos + b.CpuNanos, a.CleanCommands + b.CleanCommands, a.CleanCpuNanos + b.CleanCpuNanos, a.WallNanos + b.WallNanos);
    }

    private static Shard Shard(string endpoint, int from, int to) =>
        new(new ClusterNode(new string('a', 40), endpoint, IsPrimary: true), [], [new SlotRange(from, to)]);

    private sealed record Shared(SlotgateMetrics Metrics, CommandTable Table, SlotMap Map);

    /// <summary>One thread's client: its own bytes, parser and output, as a connection of one event loop.</summary>
    private sealed class Worker(Shared shared, int index, long[] progress, int partner)
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

        public long CleanCommands { get; private set; }

        public long CleanCpuNanos { get; private set; }

        public void Run(Barrier started, double seconds)
        {
            started.SignalAndWait();
            long until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            long batches = 0;
            long wallStart = Stopwatch.GetTimestamp();
            long cpuStart = ThreadCpuNanos();
            long wall = wallStart, cpu = cpuStart;
            do
            {
                long partnerBefore = partner < 0 ? 0 : Volatile.Read(ref progress[(partner + 1) * 16]);
                for (int i = 0; i < Batch; i++)
                {
                    OneCommand();
                }
                long cpuNow = ThreadCpuNanos();
                long wallNow = Stopwatch.GetTimestamp();
                Volatile.Write(ref progress[(index + 1) * 16], ++batches);
                bool together = partner < 0 || Volatile.Read(ref progress[(partner + 1) * 16]) > partnerBefore;
                if (together && cpuNow - cpu >= 0.9 * Stopwatch.GetElapsedTime(wall, wallNow).TotalNanoseconds)
                {
                    CleanCommands += Batch;
                    CleanCpuNanos += cpuNow - cpu;
                }
                cpu = cpuNow;
                wall = wallNow;
            }
            while (wall < until);
            CpuNanos = cpu - cpuStart;
            Commands = batches * Batch;
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
