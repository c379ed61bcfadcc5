// TEMPORARY stub until the protocol branch lands.
using System.Buffers;

namespace Slotgate.Protocol;

internal static class RespScanner
{
    public static bool TrySkipValue(ref SequenceReader<byte> reader)
    {
        SequenceReader<byte> copy = reader;
        if (!Skip(ref copy, 0))
        {
            return false;
        }
        reader = copy;
        return true;
    }

    private static bool Skip(ref SequenceReader<byte> reader, int depth)
    {
        if (!reader.TryRead(out byte type) || !reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            return false;
        }
        switch (type)
        {
            case (byte)'$':
                long len = long.Parse(System.Text.Encoding.ASCII.GetString(line.ToArray()), System.Globalization.CultureInfo.InvariantCulture);
                if (len < 0) return true;
                if (reader.Remaining < len + 2) return false;
                reader.Advance(len + 2);
                return true;
            case (byte)'*':
                long n = long.Parse(System.Text.Encoding.ASCII.GetString(line.ToArray()), System.Globalization.CultureInfo.InvariantCulture);
                for (long i = 0; i < n; i++)
                {
                    if (!Skip(ref reader, depth + 1)) return false;
                }
                return true;
            default:
                return true;
        }
    }
}
