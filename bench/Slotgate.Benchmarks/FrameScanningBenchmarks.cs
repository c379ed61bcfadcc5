using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Slotgate.Protocol;

namespace Slotgate.Benchmarks;

/// <summary>
/// Request parsing (every client byte goes through it) and reply scanning (every backend byte does). Pipeline
/// benchmarks report time per command.
/// </summary>
[MemoryDiagnoser]
public class FrameScanningBenchmarks
{
    private const int PipelineLength = 100;

    // 100-byte SET values make the pipeline about 8 KB, so the 4 KiB split has commands straddling a boundary.
    private const int ValueLength = 100;

    private readonly RequestParser _parser = new();
    private readonly RequestFrame _frame = new();
    private ReadOnlySequence<byte> _pipeline;
    private ReadOnlySequence<byte> _pipelineSegmented;
    private ReadOnlySequence<byte> _mset;
    private ReadOnlySequence<byte> _simpleReply;
    private ReadOnlySequence<byte> _bulkReply;
    private ReadOnlySequence<byte> _mgetReply;

    [GlobalSetup]
    public void Setup()
    {
        byte[] pipeline = Frames.SetGetPipeline(PipelineLength, ValueLength);
        _pipeline = new ReadOnlySequence<byte>(pipeline);
        _pipelineSegmented = Frames.Segmented(pipeline, 4096);

        var mset = new List<string> { "MSET" };
        for (int i = 0; i < 100; i++)
        {
            mset.Add("key:" + i);
            mset.Add("value:" + i);
        }
        _mset = new ReadOnlySequence<byte>(Frames.Encode([.. mset]));

        _simpleReply = new ReadOnlySequence<byte>("+OK\r\n"u8.ToArray());
        _bulkReply = new ReadOnlySequence<byte>("$5\r\nvalue\r\n"u8.ToArray());
        var mget = new StringBuilder("*10\r\n");
        for (int i = 0; i < 10; i++)
        {
            mget.Append(i == 3 ? "$-1\r\n" : $"$7\r\nvalue:{i}\r\n");
        }
        _mgetReply = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(mget.ToString()));
    }

    [Benchmark(OperationsPerInvoke = PipelineLength, Description = "Parse pipeline 100 SET/GET, 1 segment (per cmd)")]
    public int ParsePipeline() => ParseAll(_pipeline);

    [Benchmark(OperationsPerInvoke = PipelineLength, Description = "Parse pipeline 100 SET/GET, 4 KiB segments (per cmd)")]
    public int ParsePipelineSegmented() => ParseAll(_pipelineSegmented);

    [Benchmark(Description = "Parse MSET of 100 keys")]
    public int ParseMset100() => ParseAll(_mset);

    [Benchmark(Description = "Skip reply +OK")]
    public bool SkipSimpleString() => Skip(_simpleReply);

    [Benchmark(Description = "Skip reply $5 bulk")]
    public bool SkipBulk() => Skip(_bulkReply);

    [Benchmark(Description = "Skip reply 10-element MGET array")]
    public bool SkipMgetArray() => Skip(_mgetReply);

    private int ParseAll(ReadOnlySequence<byte> buffer)
    {
        int args = 0;
        while (_parser.TryParse(ref buffer, _frame))
        {
            args += _frame.ArgCount;
        }
        return args;
    }

    private static bool Skip(ReadOnlySequence<byte> reply)
    {
        var reader = new SequenceReader<byte>(reply);
        return RespScanner.TrySkipValue(ref reader);
    }
}
