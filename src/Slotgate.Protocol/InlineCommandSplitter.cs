using System.Buffers;

namespace Slotgate.Protocol;

/// <summary>
/// Splits an inline command line (what telnet and <c>redis-cli</c> in pipe mode send) into arguments with the rules of
/// Redis's <c>sdssplitargs</c>: blanks separate arguments; <c>"..."</c> understands <c>\n \r \t \b \a \xHH</c> and
/// backslash before any other character; <c>'...'</c> understands only <c>\'</c>; a closing quote must be followed by a
/// blank or the end of the line.
/// </summary>
internal static class InlineCommandSplitter
{
    /// <summary>
    /// Splits <paramref name="line"/> (without its line terminator) and, when it has at least one argument, encodes
    /// it into <paramref name="frame"/> as a multibulk command. Returns the argument count; 0 leaves the frame alone.
    /// </summary>
    public static int Split(ReadOnlySpan<byte> line, RequestFrame frame)
    {
        // Redis splits a C string, so a NUL byte ends the line there.
        int nul = line.IndexOf((byte)0);
        if (nul >= 0)
        {
            line = line[..nul];
        }
        if (line.IsEmpty)
        {
            return 0;
        }

        // Decoded arguments are never longer than their source, and there are at most (n + 1) / 2 of them.
        byte[] decoded = ArrayPool<byte>.Shared.Rent(line.Length);
        int[] bounds = ArrayPool<int>.Shared.Rent(line.Length + 2);
        try
        {
            int count = Decode(line, decoded, bounds);
            if (count > 0)
            {
                frame.Begin(count);
                int start = 0;
                for (int i = 0; i < count; i++)
                {
                    frame.AppendArg(decoded.AsSpan(start, bounds[i] - start));
                    start = bounds[i];
                }
            }
            return count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(bounds);
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>Writes the arguments back to back into <paramref name="output"/>, recording each one's end offset.</summary>
    private static int Decode(ReadOnlySpan<byte> line, Span<byte> output, Span<int> ends)
    {
        int p = 0;
        int written = 0;
        int count = 0;
        while (true)
        {
            while (p < line.Length && IsSpace(line[p]))
            {
                p++;
            }
            if (p == line.Length)
            {
                return count;
            }

            byte quote = 0; // the open quote ('"' or '\''), 0 outside quotes
            while (true)
            {
                if (quote != 0)
                {
                    if (p == line.Length)
                    {
                        throw new RespProtocolException(RespErrors.UnbalancedQuotes);
                    }
                    byte c = line[p];
                    if (quote == (byte)'"' && c == (byte)'\\' && p + 3 < line.Length && line[p + 1] == (byte)'x'
                        && IsHex(line[p + 2]) && IsHex(line[p + 3]))
                    {
                        output[written++] = (byte)((HexValue(line[p + 2]) << 4) | HexValue(line[p + 3]));
                        p += 4;
                        continue;
                    }
                    if (quote == (byte)'"' && c == (byte)'\\' && p + 1 < line.Length)
                    {
                        output[written++] = Unescape(line[p + 1]);
                        p += 2;
                        continue;
                    }
                    if (quote == (byte)'\'' && c == (byte)'\\' && p + 1 < line.Length && line[p + 1] == (byte)'\'')
                    {
                        output[written++] = (byte)'\'';
                        p += 2;
                        continue;
                    }
                    if (c == quote)
                    {
                        p++;
                        if (p < line.Length && !IsSpace(line[p]))
                        {
                            throw new RespProtocolException(RespErrors.UnbalancedQuotes);
                        }
                        break;
                    }
                    output[written++] = c;
                    p++;
                }
                else
                {
                    if (p == line.Length)
                    {
                        break;
                    }
                    byte c = line[p];
                    // Outside quotes only these end an argument (sdssplitargs's switch), unlike the isspace() used to
                    // skip blanks between arguments, which also skips \v and \f.
                    if (c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
                    {
                        break;
                    }
                    if (c is (byte)'"' or (byte)'\'')
                    {
                        quote = c;
                    }
                    else
                    {
                        output[written++] = c;
                    }
                    p++;
                }
            }
            ends[count++] = written;
        }
    }

    private static byte Unescape(byte c) => c switch
    {
        (byte)'n' => (byte)'\n',
        (byte)'r' => (byte)'\r',
        (byte)'t' => (byte)'\t',
        (byte)'b' => (byte)'\b',
        (byte)'a' => (byte)'\a',
        _ => c,
    };

    // C's isspace() in the "C" locale.
    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
