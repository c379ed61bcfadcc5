using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Slotgate.Upstreams;

/// <summary>
/// twemproxy's ketama continuum, so keys land on the same server as under twemproxy (<c>distribution: ketama</c>,
/// <c>hash: fnv1a_64</c>, its defaults for Redis pools, with <c>hash_tag: "{}"</c>). Each server gets
/// 160 points scaled by its share of the total weight (rounded down to a multiple of 4); each MD5 of
/// "<c>name-i</c>" gives four points (its four little-endian 32-bit words). A key's 32-bit hash goes to the first point
/// at or after it, wrapping to the first. Immutable.
/// </summary>
internal sealed class KetamaRing
{
    private const int PointsPerServer = 160;
    private const int PointsPerHash = 4;

    private readonly uint[] _points;
    private readonly int[] _owners;

    public KetamaRing(IReadOnlyList<UpstreamServer> servers)
    {
        ArgumentOutOfRangeException.ThrowIfZero(servers.Count);
        Servers = servers;
        double totalWeight = servers.Sum(s => (double)s.Weight);
        var points = new List<(uint Value, int Owner)>();
        Span<byte> digest = stackalloc byte[16];
        for (int owner = 0; owner < servers.Count; owner++)
        {
            double share = servers[owner].Weight / totalWeight;
            // twemproxy computes this in float; the tiny constant guards against 39.999... rounding down.
            int count = (int)MathF.Floor((float)((share * PointsPerServer / PointsPerHash * servers.Count) + 0.0000000001)) * PointsPerHash;
            for (int i = 0; i < count / PointsPerHash; i++)
            {
                MD5.HashData(Encoding.UTF8.GetBytes($"{servers[owner].RingName}-{i}"), digest);
                for (int word = 0; word < PointsPerHash; word++)
                {
                    uint value = (uint)(digest[3 + (word * 4)] << 24 | digest[2 + (word * 4)] << 16 | digest[1 + (word * 4)] << 8 | digest[word * 4]);
                    points.Add((value, owner));
                }
            }
        }
        // Stable order for equal values keeps placement deterministic (twemproxy's qsort leaves ties unspecified).
        points.Sort((a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : a.Owner.CompareTo(b.Owner));
        _points = [.. points.Select(p => p.Value)];
        _owners = [.. points.Select(p => p.Owner)];
    }

    public IReadOnlyList<UpstreamServer> Servers { get; }

    public int PointCount => _points.Length;

    /// <summary>Index into <see cref="Servers"/> of the server for <paramref name="key"/>, honouring a {hashtag}.</summary>
    public int Locate(ReadOnlySpan<byte> key) => LocateHash(Fnv1a32(HashTag(key)));

    public int LocateHash(uint hash)
    {
        int index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }
        else
        {
            // Equal points: the first of them, as a lower-bound search finds.
            while (index > 0 && _points[index - 1] == hash)
            {
                index--;
            }
        }
        return _owners[index == _points.Length ? 0 : index];
    }

    /// <summary>The part between the first '{' and the next '}' when it is not empty, else the whole key (twemproxy's rule).</summary>
    public static ReadOnlySpan<byte> HashTag(ReadOnlySpan<byte> key)
    {
        int open = key.IndexOf((byte)'{');
        if (open < 0)
        {
            return key;
        }
        int close = key[(open + 1)..].IndexOf((byte)'}');
        return close > 0 ? key.Slice(open + 1, close) : key;
    }

    /// <summary>
    /// twemproxy's <c>fnv1a_64</c>: FNV-1a with the 64-bit offset basis and prime truncated to 32 bits, computed in
    /// 32-bit arithmetic, bytes widened as signed chars. Not the real 64-bit FNV, but what twemproxy placed keys with.
    /// </summary>
    public static uint Fnv1a32(ReadOnlySpan<byte> key)
    {
        uint hash = unchecked((uint)0xcbf29ce484222325UL);
        foreach (byte b in key)
        {
            // twemproxy widens a (signed) char, so bytes from 0x80 up are sign-extended.
            hash ^= unchecked((uint)(sbyte)b);
            hash = unchecked(hash * (uint)0x100000001b3UL);
        }
        return hash;
    }
}
