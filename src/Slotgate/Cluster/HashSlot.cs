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

    private static readonly ushort[] Table = BuildTable();

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
        // The index is a byte and the table has 256 entries, so the lookup needs no bounds check.
        ref ushort table = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(Table);
        uint crc = 0;
        foreach (byte b in data)
        {
            crc = (crc << 8) ^ System.Runtime.CompilerServices.Unsafe.Add(ref table, (byte)((crc >> 8) ^ b));
        }
        return (ushort)crc;
    }

    /// <summary>Combines a running slot with the next key's (or command's) slot: None, a slot, or Multiple. None is neutral.</summary>
    public static int Combine(int current, int next) =>
        current == None ? next : next == None || current == next ? current : Multiple;

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            ushort crc = (ushort)(i << 8);
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
            table[i] = crc;
        }
        return table;
    }
}
