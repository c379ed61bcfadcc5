using System.Buffers.Text;

namespace Slotgate.Protocol;

/// <summary>Small formatting helpers shared by the RESP encoders.</summary>
internal static class RespFormatter
{
    /// <summary>Writes <paramref name="value"/> in decimal ASCII and returns the number of bytes written.</summary>
    public static int FormatInt(long value, Span<byte> destination)
    {
        if (!Utf8Formatter.TryFormat(value, destination, out int written))
        {
            throw new ArgumentException("Destination too small.", nameof(destination));
        }
        return written;
    }
}
