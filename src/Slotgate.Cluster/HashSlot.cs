using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Slotgate.Cluster;

/// <summary>
/// Redis Cluster key → hash slot mapping: CRC16/XMODEM of the key (or of its hash tag) modulo 16384,
/// exactly as the Redis Cluster specification's "Keys distribution model" and "Hash tags" sections define.
/// </summary>
internal static class HashSlot
{
    public const int Count = 16384;

    /// <summary>Sentinel for "no key, no slot" when combining keys.</summary>
    public const int None = -1;

    /// <summary>Sentinel for "keys span several slots" when combining keys.</summary>
    public const int Multiple = -2;

    /// <summary>
    /// Four 256-entry tables, one after the other: entry <c>i</c> of table <c>k</c> is the CRC of byte <c>i</c> followed by
    /// <c>k</c> zero bytes. The checksum is linear, so four bytes fold in with four independent lookups ("slicing by four")
    /// rather than four dependent steps; table 0 is the usual byte-at-a-time table, used for the tail.
    /// </summary>
    private static readonly ushort[] Tables = BuildTables();

    /// <summary>Hash slot of <paramref name="key"/>, honouring <c>{hashtag}</c>.</summary>
    public static int Of(ReadOnlySpan<byte> key)
    {
        // Spec: if the key contains '{' and a later '}' with at least one byte between them, only those bytes are hashed.
        int open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            int close = key[(open + 1)..].IndexOf((byte)'}');
            if (close > 0)
            {
                key = key.Slice(open + 1, close);
            }
        }
        return Crc16(key) & (Count - 1);
    }

    /// <summary>CRC16/XMODEM (polynomial 0x1021, init 0, no reflection): the checksum Redis Cluster uses.</summary>
    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        // Every index is a byte and each table has 256 entries, so the lookups need no bounds checks.
        ref ushort t0 = ref MemoryMarshal.GetArrayDataReference(Tables);
        ref ushort t1 = ref Unsafe.Add(ref t0, 256);
        ref ushort t2 = ref Unsafe.Add(ref t0, 512);
        ref ushort t3 = ref Unsafe.Add(ref t0, 768);
        ref byte next = ref MemoryMarshal.GetReference(data);
        ref byte words = ref Unsafe.Add(ref next, data.Length & ~3);
        uint crc = 0;
        while (Unsafe.IsAddressLessThan(ref next, ref words))
        {
            // Four bytes, most significant first; the 16-bit state overlaps the first two of them.
            uint raw = Unsafe.ReadUnaligned<uint>(ref next);
            uint word = (BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw) ^ (crc << 16);
            crc = (uint)(Unsafe.Add(ref t3, word >> 24) ^ Unsafe.Add(ref t2, (byte)(word >> 16))
                ^ Unsafe.Add(ref t1, (byte)(word >> 8)) ^ Unsafe.Add(ref t0, (byte)word));
            next = ref Unsafe.Add(ref next, 4);
        }
        foreach (byte b in data[(data.Length & ~3)..])
        {
            crc = (crc << 8) ^ Unsafe.Add(ref t0, (byte)((crc >> 8) ^ b));
        }
        return (ushort)crc;
    }

    /// <summary>The same checksum one byte at a time, as the specification gives it: the reference the sliced form is tested against.</summary>
    internal static ushort Crc16Bytewise(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (byte b in data)
        {
            crc = (crc << 8) ^ Tables[(byte)((crc >> 8) ^ b)];
        }
        return (ushort)crc;
    }

    /// <summary>Combines a running slot with the next key's (or command's) slot: None, a slot, or Multiple. None is neutral.</summary>
    public static int Combine(int current, int next) =>
        current == None ? next : next == None || current == next ? current : Multiple;

    private static ushort[] BuildTables()
    {
        var tables = new ushort[4 * 256];
        for (int i = 0; i < 256; i++)
        {
            ushort crc = (ushort)(i << 8);
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
            tables[i] = crc;
        }
        for (int k = 1; k < 4; k++)
        {
            for (int i = 0; i < 256; i++)
            {
                // One more zero byte after the previous table's entry.
                ushort previous = tables[((k - 1) * 256) + i];
                tables[(k * 256) + i] = (ushort)((previous << 8) ^ tables[previous >> 8]);
            }
        }
        return tables;
    }
}
