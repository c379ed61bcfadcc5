using BenchmarkDotNet.Attributes;
using Slotgate.Cluster;

namespace Slotgate.Benchmarks;

/// <summary>CRC16 slot computation for the key shapes clients use.</summary>
[MemoryDiagnoser]
public class HashSlotBenchmarks
{
    private readonly byte[] _short = "user:1000"u8.ToArray();
    private readonly byte[] _hashtag = "{user:1000}:followers"u8.ToArray();
    private readonly byte[] _long = System.Text.Encoding.ASCII.GetBytes("session:" + new string('x', 92));

    [Benchmark(Description = "HashSlot.Of short key (9 B)")]
    public int ShortKey() => HashSlot.Of(_short);

    [Benchmark(Description = "HashSlot.Of hashtag key (21 B)")]
    public int HashtagKey() => HashSlot.Of(_hashtag);

    [Benchmark(Description = "HashSlot.Of 100-byte key")]
    public int LongKey() => HashSlot.Of(_long);
}
