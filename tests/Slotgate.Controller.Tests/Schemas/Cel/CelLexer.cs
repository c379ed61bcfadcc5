using System.Globalization;
using System.Text;

namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>Splits a CEL expression into tokens (CEL language definition, "Syntax": literals, identifiers, operators).</summary>
internal static class CelLexer
{
    private static readonly string[] Punctuations =
        ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"];

    public static List<CelToken> Tokenize(string text)
    {
        var tokens = new List<CelToken>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')))
            {
                if (text[i] == '/')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                }
                else
                {
                    i++;
                }
            }
            if (i >= text.Length)
            {
                tokens.Add(new CelToken(CelTokenKind.End, "", null, i));
                return tokens;
            }
            char c = text[i];
            int start = i;
            if (IsStringStart(text, i, out bool raw, out bool bytes, out int quoteAt))
            {
                string value = ReadString(text, quoteAt, raw, out i);
                tokens.Add(new CelToken(bytes ? CelTokenKind.Bytes : CelTokenKind.String, text[start..i],
                    bytes ? Encoding.UTF8.GetBytes(value) : value, start));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }
                tokens.Add(new CelToken(CelTokenKind.Identifier, text[start..i], null, start));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
            }
            else
            {
                string? punctuation = Punctuations.FirstOrDefault(p => string.CompareOrdinal(text, i, p, 0, p.Length) == 0);
                if (punctuation is null)
                {
                    throw new CelParseException($"unexpected character '{c}' at {i}");
                }
                i += punctuation.Length;
                tokens.Add(new CelToken(CelTokenKind.Punctuation, punctuation, null, start));
            }
        }
    }

    private static bool IsStringStart(string text, int i, out bool raw, out bool bytes, out int quoteAt)
    {
        raw = false;
        bytes = false;
        quoteAt = i;
        // Prefixes: r/R (raw), b/B (bytes), in either order.
        for (int k = 0; k < 2 && quoteAt < text.Length; k++)
        {
            char p = text[quoteAt];
            if ((p == 'r' || p == 'R') && !raw)
            {
                raw = true;
                quoteAt++;
            }
            else if ((p == 'b' || p == 'B') && !bytes)
            {
                bytes = true;
                quoteAt++;
            }
            else
            {
                break;
            }
        }
        return quoteAt < text.Length && (text[quoteAt] == '"' || text[quoteAt] == '\'');
    }

    private static string ReadString(string text, int quoteAt, bool raw, out int end)
    {
        char quote = text[quoteAt];
        bool triple = quoteAt + 2 < text.Length && text[quoteAt + 1] == quote && text[quoteAt + 2] == quote;
        string closing = triple ? new string(quote, 3) : quote.ToString();
        int i = quoteAt + closing.Length;
        var value = new StringBuilder();
        while (true)
        {
            if (i >= text.Length)
            {
                throw new CelParseException($"unterminated string literal at {quoteAt}");
            }
            if (string.CompareOrdinal(text, i, closing, 0, closing.Length) == 0)
            {
                end = i + closing.Length;
                return value.ToString();
            }
            char c = text[i];
            if (!triple && (c == '\n' || c == '\r'))
            {
                throw new CelParseException($"newline in string literal at {i}");
            }
            if (c == '\\' && !raw)
            {
                i = ReadEscape(text, i, value);
                continue;
            }
            if (c == '\\' && raw && i + 1 < text.Length && text[i + 1] == quote && !triple)
            {
                // A raw string still cannot contain its own quote; "\" + quote keeps both characters.
                value.Append(c).Append(quote);
                i += 2;
                continue;
            }
            value.Append(c);
            i++;
        }
    }

    private static int ReadEscape(string text, int i, StringBuilder value)
    {
        if (i + 1 >= text.Length)
        {
            throw new CelParseException($"unterminated escape at {i}");
        }
        char e = text[i + 1];
        switch (e)
        {
            case '\\': value.Append('\\'); return i + 2;
            case '"': value.Append('"'); return i + 2;
            case '\'': value.Append('\''); return i + 2;
            case '`': value.Append('`'); return i + 2;
            case '?': value.Append('?'); return i + 2;
            case 'a': value.Append('\a'); return i + 2;
            case 'b': value.Append('\b'); return i + 2;
            case 'f': value.Append('\f'); return i + 2;
            case 'n': value.Append('\n'); return i + 2;
            case 'r': value.Append('\r'); return i + 2;
            case 't': value.Append('\t'); return i + 2;
            case 'v': value.Append('\v'); return i + 2;
            case 'x' or 'X': return AppendCodePoint(text, i + 2, 2, 16, value);
            case 'u': return AppendCodePoint(text, i + 2, 4, 16, value);
            case 'U': return AppendCodePoint(text, i + 2, 8, 16, value);
            case >= '0' and <= '3': return AppendCodePoint(text, i + 1, 3, 8, value);
            default: throw new CelParseException($"invalid escape '\\{e}' at {i}");
        }
    }

    private static int AppendCodePoint(string text, int at, int digits, int radix, StringBuilder value)
    {
        if (at + digits > text.Length)
        {
            throw new CelParseException($"truncated escape at {at}");
        }
        int code = 0;
        for (int k = 0; k < digits; k++)
        {
            int d = radix == 16 ? HexValue(text[at + k]) : text[at + k] is >= '0' and <= '7' ? text[at + k] - '0' : -1;
            if (d < 0)
            {
                throw new CelParseException($"invalid escape digit '{text[at + k]}' at {at + k}");
            }
            code = (code * radix) + d;
        }
        value.Append(char.ConvertFromUtf32(code));
        return at + digits;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static CelToken ReadNumber(string text, ref int i)
    {
        int start = i;
        if (text[i] == '0' && i + 1 < text.Length && (text[i + 1] == 'x' || text[i + 1] == 'X'))
        {
            i += 2;
            while (i < text.Length && HexValue(text[i]) >= 0)
            {
                i++;
            }
            string hex = text[(start + 2)..i];
            if (i < text.Length && (text[i] == 'u' || text[i] == 'U'))
            {
                i++;
                return new CelToken(CelTokenKind.UInt, text[start..i], ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture), start);
            }
            return new CelToken(CelTokenKind.Int, text[start..i], ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture), start);
        }
        bool isDouble = false;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            isDouble = true;
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            int save = i;
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }
            if (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                isDouble = true;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
            }
            else
            {
                i = save;
            }
        }
        string digits = text[start..i];
        if (isDouble)
        {
            return new CelToken(CelTokenKind.Double, digits, double.Parse(digits, CultureInfo.InvariantCulture), start);
        }
        if (i < text.Length && (text[i] == 'u' || text[i] == 'U'))
        {
            i++;
            return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u)
                ? new CelToken(CelTokenKind.UInt, text[start..i], u, start)
                : throw new CelParseException($"uint literal out of range: {digits}");
        }
        // Kept as ulong so that -9223372036854775808 can be negated by the parser; range-checked there.
        return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n)
            ? new CelToken(CelTokenKind.Int, digits, n, start)
            : throw new CelParseException($"int literal out of range: {digits}");
    }
}
