using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Slotgate.Protocol;
using Slotgate.Tests.Support.InMemory;

namespace Slotgate.Benchmarks;

/// <summary>
/// Slotgate's whole command path — client session, parser, dispatcher, router, backend connection and back — over
/// in-memory pipes to an in-memory node, so the figures are Slotgate's own cost without sockets or a real Redis.
/// Results are per command.
/// </summary>
/// <remarks>
/// Each invocation repeats its exchange several times: BenchmarkDotNet waits for an async benchmark by blocking its
/// thread, and that park/unpark (~17 µs here) would otherwise be most of a single round trip's time and add a few
/// bytes of its own. The benchmark's awaits use pooled ValueTask builders: the backend write loop runs on the thread
/// pool, so the reads below really suspend, and a Task-returning method would add its state machine to the
/// allocation column.
/// </remarks>
[MemoryDiagnoser]
[IterationCount(10)] // thread hops make these noisier than the CPU-bound suites; three iterations leave a wide error
public class SessionBenchmarks
{
    internal const int RoundTrips = 100;
    internal const int PipelineLength = 100;
    internal const int PipelineRounds = 10;
    internal const int Sessions = 16;
    internal const int SessionDepth = 16;
    internal const int SessionRounds = 4;

    private InMemoryProxy _proxy = null!;
    private (IDuplexPipe Client, Task Session) _single;
    private (IDuplexPipe Client, Task Session)[] _many = null!;
    private byte[] _get = null!;
    private byte[] _pipeline = null!;
    private byte[] _sessionBatch = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _proxy = await InMemoryProxy.StartAsync(["127.0.0.1:7001"]);
        _single = _proxy.Connect();
        _many = new (IDuplexPipe, Task)[Sessions];
        for (int i = 0; i < Sessions; i++)
        {
            _many[i] = _proxy.Connect();
        }
        _get = Frames.Encode("GET", "user:1000");
        _pipeline = Frames.SetGetPipeline(PipelineLength, valueLength: 5);
        _sessionBatch = Frames.SetGetPipeline(SessionDepth, valueLength: 5);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _single.Client.Output.CompleteAsync();
        await _single.Session;
        foreach ((IDuplexPipe client, Task session) in _many)
        {
            await client.Output.CompleteAsync();
            await session;
        }
        await _proxy.DisposeAsync();
    }

    /// <summary>The latency path: one GET, wait for its reply, then the next.</summary>
    [Benchmark(OperationsPerInvoke = RoundTrips, Description = "Session round trip, 1 GET (per cmd)")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RoundTrip()
    {
        for (int i = 0; i < RoundTrips; i++)
        {
            await _single.Client.Output.WriteAsync(_get);
            await ReadRepliesAsync(_single.Client.Input, 1);
        }
    }

    [Benchmark(OperationsPerInvoke = PipelineLength * PipelineRounds, Description = "Session pipeline 100 GET/SET (per cmd)")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask Pipeline()
    {
        for (int i = 0; i < PipelineRounds; i++)
        {
            await _single.Client.Output.WriteAsync(_pipeline);
            await ReadRepliesAsync(_single.Client.Input, PipelineLength);
        }
    }

    [Benchmark(OperationsPerInvoke = Sessions * SessionDepth * SessionRounds, Description = "16 sessions x pipeline 16 (per cmd)")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ManySessions()
    {
        for (int round = 0; round < SessionRounds; round++)
        {
            // All sessions send before any reply is read, so their commands interleave on the shared backend connections.
            foreach ((IDuplexPipe client, _) in _many)
            {
                await client.Output.WriteAsync(_sessionBatch);
            }
            foreach ((IDuplexPipe client, _) in _many)
            {
                await ReadRepliesAsync(client.Input, SessionDepth);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask ReadRepliesAsync(PipeReader input, int expected)
    {
        int seen = 0;
        while (seen < expected)
        {
            ReadResult result = await input.ReadAsync();
            var reader = new SequenceReader<byte>(result.Buffer);
            while (RespScanner.TrySkipValue(ref reader))
            {
                seen++;
            }
            input.AdvanceTo(reader.Position, result.Buffer.End);
            if (result.IsCompleted && seen < expected)
            {
                throw new InvalidOperationException($"the session closed after {seen} of {expected} replies");
            }
        }
    }
}
