using BenchmarkDotNet.Attributes;
using Slotgate.Commands;
using Slotgate.Protocol;

namespace Slotgate.Benchmarks;

/// <summary>Command lookup plus key-spec evaluation, the per-command cost of knowing where the keys are.</summary>
[MemoryDiagnoser]
public class KeyExtractionBenchmarks
{
    private readonly CommandTable _table = CommandTable.BuiltIn;
    private RequestFrame _get = null!;
    private RequestFrame _mset10 = null!;
    private RequestFrame _eval = null!;
    private RequestFrame _xreadgroup = null!;

    [GlobalSetup]
    public void Setup()
    {
        _get = Frames.Create("GET", "user:1000");
        var mset = new List<string> { "MSET" };
        for (int i = 0; i < 10; i++)
        {
            mset.Add("key:" + i);
            mset.Add("value:" + i);
        }
        _mset10 = Frames.Create([.. mset]);
        _eval = Frames.Create("EVAL", "return redis.call('GET', KEYS[1])", "2", "{user}:a", "{user}:b", "arg");
        _xreadgroup = Frames.Create("XREADGROUP", "GROUP", "group", "consumer", "COUNT", "10", "STREAMS", "orders", "payments", ">", ">");
    }

    [Benchmark(Description = "Find+FindKeys GET")]
    public int Get() => FindKeys(_get);

    [Benchmark(Description = "Find+FindKeys MSET 10 pairs")]
    public int Mset10() => FindKeys(_mset10);

    [Benchmark(Description = "Find+FindKeys EVAL 2 keys")]
    public int Eval() => FindKeys(_eval);

    [Benchmark(Description = "Find+FindKeys XREADGROUP STREAMS 2")]
    public int XReadGroup() => FindKeys(_xreadgroup);

    private int FindKeys(RequestFrame frame)
    {
        Span<int> keys = stackalloc int[64];
        CommandInfo? command = _table.Find(frame);
        return command is null ? -1 : command.FindKeys(frame, keys);
    }
}
