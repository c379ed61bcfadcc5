using System.Buffers.Text;

namespace Slotgate.Routing;

/// <summary>
/// The SCAN cursor Slotgate hands to clients: one unsigned 64-bit number, as Redis's own, packing where a cluster-wide
/// scan stands. Layout, low bits first:
/// <list type="bullet">
/// <item>bits 0–35: the cursor of the primary being scanned (Redis's own cursor, below its hash table size: 2^36 buckets
/// would take terabytes of memory, so it always fits);</item>
/// <item>bits 36–45: that primary's position in the scan order (primaries sorted by the first slot they serve; up to
/// 1024 primaries, Redis Cluster's recommended maximum being 1000 nodes);</item>
/// <item>bit 46: repeat, set once this pass saw the topology move (the pass is run again from the first primary);</item>
/// <item>bits 47–62: a 16-bit token of the topology the previous step saw (never 0, so a cursor in progress is never 0);</item>
/// <item>bit 63: always 0, so clients that parse the cursor as a signed 64-bit integer (PHP, Java longs) keep working.</item>
/// </list>
/// Everything is in the number itself, so any Slotgate replica can continue a scan another one started.
/// </summary>
internal readonly record struct ScanCursor(ulong NodeCursor, int ShardIndex, bool Repeat, ushort Token)
{
    public const int NodeCursorBits = 36;
    public const int MaxShards = 1 << 10;
    public const ulong MaxNodeCursor = (1UL << NodeCursorBits) - 1;

    private const int ShardShift = NodeCursorBits;
    private const int RepeatShift = ShardShift + 10;
    private const int TokenShift = RepeatShift + 1;

    /// <summary>True for the cursor <c>0</c>: a new scan.</summary>
    public bool IsStart => Token == 0;

    public ulong Encode()
    {
        if (NodeCursor > MaxNodeCursor || (uint)ShardIndex >= MaxShards || Token == 0)
        {
            throw new InvalidOperationException("Scan position does not fit the cursor layout.");
        }
        return NodeCursor | ((ulong)ShardIndex << ShardShift) | ((Repeat ? 1UL : 0UL) << RepeatShift) | ((ulong)Token << TokenShift);
    }

    /// <summary>
    /// Parses a client's cursor. False for what Redis would call an invalid cursor (not an unsigned decimal integer)
    /// and for numbers Slotgate never hands out (bit 63 set, or a non-zero cursor without a token).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out ScanCursor cursor)
    {
        cursor = default;
        if (text.IsEmpty || text[0] is < (byte)'0' or > (byte)'9' ||
            !Utf8Parser.TryParse(text, out ulong value, out int consumed) || consumed != text.Length)
        {
            return false;
        }
        if (value == 0)
        {
            return true;
        }
        ushort token = (ushort)(value >> TokenShift);
        if ((value >> 63) != 0 || token == 0)
        {
            return false;
        }
        cursor = new ScanCursor(
            value & MaxNodeCursor,
            (int)((value >> ShardShift) & (MaxShards - 1)),
            ((value >> RepeatShift) & 1) != 0,
            token);
        return true;
    }
}
