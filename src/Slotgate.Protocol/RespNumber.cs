namespace Slotgate.Protocol;

/// <summary>Integer parsing with the exact rules of Redis's <c>string2ll</c>.</summary>
internal static class RespNumber
{
    /// <summary>Longest decimal form of a 64-bit integer, sign included.</summary>
    public const int MaxInt64Digits = 20;

    /// <summary>
    /// Parses a decimal 64-bit integer the way Redis's <c>string2ll</c> does: an optional '-', no '+', no leading
    /// zeros, no spaces, no overflow. Being exactly as strict as Redis matters because a length Redis rejects must be
    /// rejected here too, and because it makes every accepted header canonical (so frames can be forwarded verbatim).
    /// </summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxInt64Digits)
        {
            return false;
        }
        if (text.Length == 1 && text[0] == (byte)'0')
        {
            return true;
        }
        int i = 0;
        bool negative = text[0] == (byte)'-';
        if (negative)
        {
            i = 1;
            if (text.Length == 1)
            {
                return false;
            }
        }
        uint first = (uint)(text[i] - '1');
        if (first > 8)
        {
            return false;
        }
        ulong magnitude = first + 1;
        for (i++; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9 || magnitude > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }
            magnitude = (magnitude * 10) + digit;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }
            value = unchecked(-(long)magnitude);
            return true;
        }
        if (magnitude > long.MaxValue)
        {
            return false;
        }
        value = (long)magnitude;
        return true;
    }
}
