using System.Buffers;

namespace Slotgate.Protocol;

/// <summary>Reads the header lines of RESP values: a type byte, a decimal number, CRLF (<c>*3\r\n</c>, <c>$5\r\n</c>).</summary>
internal static class RespHeader
{
    /// <summary>
    /// Reads one header line starting at the reader's position. Like Redis, the line ends at the first CR and the type
    /// byte is reported even when the number is bad, so callers can check the type first as Redis does.
    /// </summary>
    /// <param name="reader">Positioned on the type byte; advanced past CRLF only when <see cref="RespHeaderStatus.Ok"/>.</param>
    /// <param name="maxLength">The CR must sit within this many bytes of the type byte.</param>
    /// <param name="prefix">The type byte (a CR itself when the line is empty).</param>
    /// <param name="value">The number after the type byte, when <paramref name="isNumber"/>.</param>
    /// <param name="isNumber">Whether the text after the type byte is a valid integer by Redis's rules.</param>
    public static RespHeaderStatus Read(
        ref SequenceReader<byte> reader, int maxLength, out byte prefix, out long value, out bool isNumber)
    {
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        int cr = span[..Math.Min(span.Length, maxLength)].IndexOf((byte)'\r');
        if (cr >= 0 && cr + 1 < span.Length)
        {
            // Fast path: the whole line is in the current segment, as it nearly always is.
            prefix = span[0];
            isNumber = RespNumber.TryParseInt64(cr == 0 ? default : span[1..cr], out value);
            if (span[cr + 1] != (byte)'\n')
            {
                return RespHeaderStatus.BadTerminator;
            }
            reader.Advance(cr + 2);
            return RespHeaderStatus.Ok;
        }
        return ReadSlow(ref reader, maxLength, out prefix, out value, out isNumber);
    }

    /// <summary>
    /// The fast paths' header number: reads <c>0</c> or one to nine digits without a leading zero, then CRLF, from
    /// <paramref name="position"/> and moves past them; -1 for anything else (then <paramref name="position"/> is left
    /// as it was), which the caller hands to the general path and its exact rules.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int ReadShortNumber(ReadOnlySpan<byte> span, ref int position)
    {
        int start = position;
        int end = Math.Min(span.Length, start + 10);
        int p = start;
        int value = 0;
        while (p < end)
        {
            uint digit = (uint)(span[p] - '0');
            if (digit > 9)
            {
                break;
            }
            value = (value * 10) + (int)digit;
            p++;
        }
        int digits = p - start;
        if (digits == 0 || digits > 9 || (digits > 1 && span[start] == (byte)'0') || p + 1 >= span.Length
            || span[p] != (byte)'\r' || span[p + 1] != (byte)'\n')
        {
            return -1;
        }
        position = p + 2;
        return value;
    }

    private static RespHeaderStatus ReadSlow(
        ref SequenceReader<byte> reader, int maxLength, out byte prefix, out long value, out bool isNumber)
    {
        prefix = 0;
        value = 0;
        isNumber = false;
        long remaining = reader.Remaining;
        ReadOnlySequence<byte> window = reader.UnreadSequence.Slice(0, Math.Min(remaining, maxLength));
        SequencePosition? crPosition = window.PositionOf((byte)'\r');
        if (crPosition is null)
        {
            return remaining > maxLength ? RespHeaderStatus.TooLong : RespHeaderStatus.Incomplete;
        }
        ReadOnlySequence<byte> line = window.Slice(0, crPosition.Value);
        long cr = line.Length;
        if (remaining < cr + 2)
        {
            return RespHeaderStatus.Incomplete;
        }
        // Anything longer than a 64-bit number plus its type byte is invalid, so only that much needs copying.
        Span<byte> scratch = stackalloc byte[RespNumber.MaxInt64Digits + 2];
        int copied = (int)Math.Min(cr, scratch.Length);
        line.Slice(0, copied).CopyTo(scratch);
        prefix = cr == 0 ? (byte)'\r' : scratch[0];
        isNumber = cr > 0 && RespNumber.TryParseInt64(scratch[1..copied], out value);
        if (!reader.TryPeek(cr + 1, out byte lf) || lf != (byte)'\n')
        {
            return RespHeaderStatus.BadTerminator;
        }
        reader.Advance(cr + 2);
        return RespHeaderStatus.Ok;
    }
}
