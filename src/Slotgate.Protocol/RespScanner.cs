using System.Buffers;

namespace Slotgate.Protocol;

/// <summary>
/// Finds where one RESP2 or RESP3 value ends, without decoding it: used on backend replies so they can be forwarded as
/// raw bytes. Aggregates are handled with a single counter of values still to skip (an array of N adds N, a map or
/// attribute 2N) instead of recursion or a stack, so memory is constant and no nesting depth can exhaust anything.
/// </summary>
internal static class RespScanner
{
    // A header is a type byte, at most 20 digits, CR: anything longer is malformed, and the bound keeps garbage from
    // being scanned end to end looking for a CR.
    private const int MaxHeaderLength = RespNumber.MaxInt64Digits + 2;

    /// <summary>
    /// Skips one complete value. Returns false, with the reader where it was, when the value is incomplete.
    /// Throws <see cref="RespProtocolException"/> when the bytes are not RESP.
    /// </summary>
    public static bool TrySkipValue(ref SequenceReader<byte> reader)
    {
        RespScanState state = default;
        return TrySkipValue(ref reader, ref state);
    }

    /// <summary>
    /// Resumable <see cref="TrySkipValue(ref SequenceReader{byte})"/>: when it returns false, <paramref name="state"/>
    /// records the progress, and the next call (with the reader at the same reply start) continues from there.
    /// The state is reset to default when the value is complete.
    /// </summary>
    public static bool TrySkipValue(ref SequenceReader<byte> reader, ref RespScanState state)
    {
        SequenceReader<byte> start = reader;
        long pending = state.Pending;
        if (pending == 0)
        {
            pending = 1;
        }
        else
        {
            if (state.Offset > reader.Remaining)
            {
                throw new InvalidOperationException("The scan state does not belong to this buffer.");
            }
            reader.Advance(state.Offset);
        }

        while (pending > 0)
        {
            long itemStart = reader.Consumed;
            if (!TrySkipItem(ref reader, out long children))
            {
                state = new RespScanState(itemStart - start.Consumed, pending);
                reader = start;
                return false;
            }
            pending += children - 1;
        }
        state = default;
        return true;
    }

    /// <summary>
    /// The length of the value at the start of <paramref name="span"/> when it is a simple string, error, integer or
    /// bulk string (RESP2's everyday replies) lying whole in the span, checked as <see cref="TrySkipValue(ref SequenceReader{byte})"/>
    /// checks it; 0 for anything else (another type, incomplete here, malformed, an unusual length), which the
    /// general scan then decides, with its exact errors.
    /// </summary>
    public static int TrySkipSimple(ReadOnlySpan<byte> span)
    {
        if (span.Length < 3)
        {
            return 0;
        }
        switch (span[0])
        {
            case (byte)'+':
            case (byte)'-':
            case (byte)':':
                int cr = span.IndexOf((byte)'\r');
                return cr > 0 && cr + 1 < span.Length && span[cr + 1] == (byte)'\n' ? cr + 2 : 0;
            case (byte)'$':
                if (span[1] == (byte)'-')
                {
                    return span.StartsWith("$-1\r\n"u8) ? 5 : 0;
                }
                int position = 1;
                int length = RespHeader.ReadShortNumber(span, ref position);
                if (length < 0 || span.Length - position - 2 < length)
                {
                    return 0;
                }
                position += length;
                return span[position] == (byte)'\r' && span[position + 1] == (byte)'\n' ? position + 2 : 0;
            default:
                return 0;
        }
    }

    /// <summary>Skips one type byte and its line or payload; reports how many values an aggregate header introduces.</summary>
    private static bool TrySkipItem(ref SequenceReader<byte> reader, out long children)
    {
        children = 0;
        if (!reader.TryPeek(out byte type))
        {
            return false;
        }
        switch (type)
        {
            case (byte)'+':
            case (byte)'-':
            case (byte)':':
            case (byte)',':
            case (byte)'(':
                return TrySkipLine(ref reader, out _);
            case (byte)'_':
            case (byte)'#':
                return TrySkipShortLine(ref reader, type);
            case (byte)'$':
            case (byte)'!':
            case (byte)'=':
                return TrySkipBlob(ref reader, type);
            case (byte)'*':
            case (byte)'~':
            case (byte)'>':
                return TryReadCount(ref reader, type, 1, out children);
            case (byte)'%':
                return TryReadCount(ref reader, type, 2, out children);
            case (byte)'|':
                // An attribute is metadata before the value it describes: its pairs, then that value.
                if (!TryReadCount(ref reader, type, 2, out children))
                {
                    return false;
                }
                children++;
                return true;
            default:
                throw new RespProtocolException(RespErrors.UnexpectedReplyType(type));
        }
    }

    /// <summary>Skips a CRLF-terminated line whose content may not hold CR or LF.</summary>
    private static bool TrySkipLine(ref SequenceReader<byte> reader, out long contentLength)
    {
        long before = reader.Consumed;
        if (!reader.TryAdvanceTo((byte)'\r', advancePastDelimiter: true))
        {
            contentLength = 0;
            return false;
        }
        contentLength = reader.Consumed - before - 2;
        if (!reader.TryRead(out byte lf))
        {
            return false;
        }
        if (lf != (byte)'\n')
        {
            throw new RespProtocolException(RespErrors.ReplyNotTerminated);
        }
        return true;
    }

    /// <summary><c>_\r\n</c> (RESP3 null) and <c>#t\r\n</c>/<c>#f\r\n</c> (boolean): fixed shapes, checked exactly.</summary>
    private static bool TrySkipShortLine(ref SequenceReader<byte> reader, byte type)
    {
        int length = type == (byte)'_' ? 3 : 4;
        Span<byte> bytes = stackalloc byte[4];
        if (!reader.TryCopyTo(bytes[..length]))
        {
            return false;
        }
        bool valid = type == (byte)'_'
            ? bytes[1] == (byte)'\r' && bytes[2] == (byte)'\n'
            : bytes[1] is (byte)'t' or (byte)'f' && bytes[2] == (byte)'\r' && bytes[3] == (byte)'\n';
        if (!valid)
        {
            throw new RespProtocolException(RespErrors.InvalidReplyLine);
        }
        reader.Advance(length);
        return true;
    }

    /// <summary>Skips <c>$len\r\n payload \r\n</c> (also <c>!</c> bulk errors and <c>=</c> verbatim strings).</summary>
    private static bool TrySkipBlob(ref SequenceReader<byte> reader, byte type)
    {
        if (!TryReadHeader(ref reader, out long length))
        {
            return false;
        }
        if (length == -1 && type == (byte)'$')
        {
            // RESP2 null bulk string: no payload follows.
            return true;
        }
        if (length < 0)
        {
            throw new RespProtocolException(RespErrors.InvalidReplyLength);
        }
        // Check the buffered length first: an incomplete large value is never walked byte by byte. Written as a
        // subtraction because length + 2 overflows for lengths near long.MaxValue (found by fuzzing).
        if (reader.Remaining - 2 < length)
        {
            return false;
        }
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RespProtocolException(RespErrors.ReplyNotTerminated);
        }
        return true;
    }

    private static bool TryReadCount(ref SequenceReader<byte> reader, byte type, int perEntry, out long children)
    {
        children = 0;
        if (!TryReadHeader(ref reader, out long count))
        {
            return false;
        }
        if (count == -1 && type == (byte)'*')
        {
            // RESP2 null array.
            return true;
        }
        if (count is < 0 or > int.MaxValue)
        {
            throw new RespProtocolException(RespErrors.InvalidReplyLength);
        }
        children = count * perEntry;
        return true;
    }

    private static bool TryReadHeader(ref SequenceReader<byte> reader, out long value)
    {
        // Streamed RESP3 strings and aggregates ("$?", "*?") are not used by Redis and land here as non-numbers.
        switch (RespHeader.Read(ref reader, MaxHeaderLength, out _, out value, out bool isNumber))
        {
            case RespHeaderStatus.Incomplete:
                return false;
            case RespHeaderStatus.Ok when isNumber:
                return true;
            default:
                throw new RespProtocolException(RespErrors.InvalidReplyLength);
        }
    }
}
