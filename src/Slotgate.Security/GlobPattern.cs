namespace Slotgate.Security;

/// <summary>
/// Redis's glob matching (<c>stringmatchlen</c>, case-sensitive), used for ACL key patterns (<c>~app:*</c>) and channel
/// patterns (<c>&amp;news.*</c>): <c>*</c> any run, <c>?</c> one byte, <c>[abc]</c>, <c>[^abc]</c>, <c>[a-z]</c> classes and
/// <c>\</c> to escape. Matching is iterative with one backtrack point, so a hostile pattern or key costs O(n·m) at most.
/// </summary>
internal static class GlobPattern
{
    public static bool Matches(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text)
    {
        int p = 0;
        int t = 0;
        int starPattern = -1;
        int starText = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == (byte)'*')
            {
                // Collapse runs of '*' and remember where to resume if the rest fails to match.
                while (p < pattern.Length && pattern[p] == (byte)'*')
                {
                    p++;
                }
                if (p == pattern.Length)
                {
                    return true;
                }
                starPattern = p;
                starText = t;
                continue;
            }
            if (p < pattern.Length && MatchOne(pattern, ref p, text[t]))
            {
                t++;
                continue;
            }
            if (starPattern < 0)
            {
                return false;
            }
            // Let the last '*' swallow one more byte and try again from there.
            p = starPattern;
            t = ++starText;
        }
        while (p < pattern.Length && pattern[p] == (byte)'*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    /// <summary>Matches one pattern token (not '*') at <paramref name="p"/> against <paramref name="c"/>, advancing past it on success.</summary>
    private static bool MatchOne(ReadOnlySpan<byte> pattern, ref int p, byte c)
    {
        switch (pattern[p])
        {
            case (byte)'?':
                p++;
                return true;
            case (byte)'[':
                return MatchClass(pattern, ref p, c);
            case (byte)'\\' when p + 1 < pattern.Length:
                if (pattern[p + 1] != c)
                {
                    return false;
                }
                p += 2;
                return true;
            default:
                if (pattern[p] != c)
                {
                    return false;
                }
                p++;
                return true;
        }
    }

    /// <summary>A <c>[...]</c> class; as in Redis, an unterminated class runs to the end of the pattern.</summary>
    private static bool MatchClass(ReadOnlySpan<byte> pattern, ref int p, byte c)
    {
        int i = p + 1;
        bool negate = i < pattern.Length && pattern[i] == (byte)'^';
        if (negate)
        {
            i++;
        }
        bool match = false;
        while (i < pattern.Length && pattern[i] != (byte)']')
        {
            if (pattern[i] == (byte)'\\' && i + 1 < pattern.Length)
            {
                i++;
                match |= pattern[i] == c;
                i++;
            }
            else if (i + 2 < pattern.Length && pattern[i + 1] == (byte)'-')
            {
                byte start = pattern[i];
                byte end = pattern[i + 2];
                if (start > end)
                {
                    (start, end) = (end, start);
                }
                match |= c >= start && c <= end;
                i += 3;
            }
            else
            {
                match |= pattern[i] == c;
                i++;
            }
        }
        p = i < pattern.Length ? i + 1 : i;
        return match != negate;
    }
}
