using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>
/// The functions the evaluator provides: CEL's standard ones (size, contains, startsWith, endsWith, matches, type
/// conversions, duration, timestamp) and Kubernetes' string library (split, lowerAscii, upperAscii, join, indexOf,
/// lastIndexOf, substring, trim, replace). Anything else is refused when the rule is compiled.
/// </summary>
internal static class CelFunctions
{
    private static readonly HashSet<string> Global = new(StringComparer.Ordinal)
    {
        "size", "matches", "duration", "timestamp", "int", "uint", "double", "string", "bool", "bytes", "dyn",
    };

    private static readonly HashSet<string> Receiver = new(StringComparer.Ordinal)
    {
        "size", "contains", "startsWith", "endsWith", "matches", "split", "lowerAscii", "upperAscii", "join",
        "indexOf", "lastIndexOf", "substring", "trim", "replace",
    };

    public static bool IsKnown(string function, bool hasReceiver) => (hasReceiver ? Receiver : Global).Contains(function);

    public static object? Invoke(string function, object? target, bool hasReceiver, object?[] args)
    {
        if (!hasReceiver)
        {
            return (function, args) switch
            {
                ("size", [var x]) => Size(x),
                ("matches", [string s, string re]) => Re2.Matches(s, re),
                ("duration", [string s]) => GoDuration.Parse(s) ?? throw new CelEvaluationException($"invalid duration '{s}'"),
                ("duration", [TimeSpan t]) => t,
                ("timestamp", [string s]) => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t)
                    ? t : throw new CelEvaluationException($"invalid timestamp '{s}'"),
                ("int", [long l]) => l,
                ("int", [ulong u]) => u <= long.MaxValue ? (long)u : throw new CelEvaluationException("int overflow"),
                ("int", [double d]) => d is >= -9.2e18 and <= 9.2e18 ? (long)d : throw new CelEvaluationException("int overflow"),
                ("int", [string s]) => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)
                    ? l : throw new CelEvaluationException($"cannot convert '{s}' to int"),
                ("uint", [long l]) => l >= 0 ? (ulong)l : throw new CelEvaluationException("uint overflow"),
                ("uint", [ulong u]) => u,
                ("double", [long l]) => (double)l,
                ("double", [ulong u]) => (double)u,
                ("double", [double d]) => d,
                ("double", [string s]) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                    ? d : throw new CelEvaluationException($"cannot convert '{s}' to double"),
                ("string", [string s]) => s,
                ("string", [long l]) => l.ToString(CultureInfo.InvariantCulture),
                ("string", [ulong u]) => u.ToString(CultureInfo.InvariantCulture),
                ("string", [double d]) => d.ToString("R", CultureInfo.InvariantCulture),
                ("string", [bool b]) => b ? "true" : "false",
                ("string", [byte[] b]) => Encoding.UTF8.GetString(b),
                ("bool", [bool b]) => b,
                ("bool", [string s]) => s switch
                {
                    "true" or "True" or "TRUE" or "t" or "1" => true,
                    "false" or "False" or "FALSE" or "f" or "0" => false,
                    _ => throw new CelEvaluationException($"cannot convert '{s}' to bool"),
                },
                ("bytes", [string s]) => Encoding.UTF8.GetBytes(s),
                ("dyn", [var x]) => x,
                _ => throw NoOverload(function, target, hasReceiver, args),
            };
        }
        return (function, target, args) switch
        {
            ("size", var x, []) => Size(x),
            ("contains", string s, [string sub]) => s.Contains(sub, StringComparison.Ordinal),
            ("startsWith", string s, [string prefix]) => s.StartsWith(prefix, StringComparison.Ordinal),
            ("endsWith", string s, [string suffix]) => s.EndsWith(suffix, StringComparison.Ordinal),
            ("matches", string s, [string re]) => Re2.Matches(s, re),
            ("split", string s, [string separator]) => Split(s, separator, -1),
            ("split", string s, [string separator, long n]) => Split(s, separator, n),
            ("lowerAscii", string s, []) => string.Create(s.Length, s, (span, src) =>
            {
                for (int i = 0; i < src.Length; i++)
                {
                    span[i] = char.IsAsciiLetterUpper(src[i]) ? (char)(src[i] + 32) : src[i];
                }
            }),
            ("upperAscii", string s, []) => string.Create(s.Length, s, (span, src) =>
            {
                for (int i = 0; i < src.Length; i++)
                {
                    span[i] = char.IsAsciiLetterLower(src[i]) ? (char)(src[i] - 32) : src[i];
                }
            }),
            ("join", IReadOnlyList<object?> list, []) => string.Concat(list.Select(AsString)),
            ("join", IReadOnlyList<object?> list, [string separator]) => string.Join(separator, list.Select(AsString)),
            ("indexOf", string s, [string sub]) => (long)CodePointIndex(s, s.IndexOf(sub, StringComparison.Ordinal)),
            ("lastIndexOf", string s, [string sub]) => (long)CodePointIndex(s, s.LastIndexOf(sub, StringComparison.Ordinal)),
            ("substring", string s, [long start]) => Substring(s, start, null),
            ("substring", string s, [long start, long end]) => Substring(s, start, end),
            ("trim", string s, []) => s.Trim(),
            ("replace", string s, [string from, string to]) => s.Replace(from, to, StringComparison.Ordinal),
            _ => throw NoOverload(function, target, hasReceiver, args),
        };
    }

    private static long Size(object? value) => value switch
    {
        string s => s.EnumerateRunes().LongCount(),
        byte[] b => b.Length,
        IReadOnlyList<object?> list => list.Count,
        CelMap map => map.Count,
        _ => throw new CelEvaluationException($"no such overload: size({CelOperators.TypeName(value)})"),
    };

    private static string AsString(object? value) =>
        value as string ?? throw new CelEvaluationException($"join: list element of type {CelOperators.TypeName(value)} is not a string");

    private static List<object?> Split(string s, string separator, long n)
    {
        if (n == 0)
        {
            return [];
        }
        string[] parts = n < 0 ? s.Split(separator) : s.Split(separator, (int)Math.Min(n, int.MaxValue));
        if (separator.Length == 0)
        {
            // Go's strings.Split with an empty separator splits into single characters.
            parts = s.EnumerateRunes().Select(r => r.ToString()).ToArray();
        }
        return parts.Cast<object?>().ToList();
    }

    private static int CodePointIndex(string s, int utf16Index) =>
        utf16Index < 0 ? -1 : s[..utf16Index].EnumerateRunes().Count();

    private static string Substring(string s, long start, long? end)
    {
        Rune[] runes = s.EnumerateRunes().ToArray();
        long stop = end ?? runes.Length;
        if (start < 0 || stop > runes.Length || start > stop)
        {
            throw new CelEvaluationException($"substring({start}, {stop}) out of range for a string of {runes.Length} characters");
        }
        return string.Concat(runes[(int)start..(int)stop].Select(r => r.ToString()));
    }

    private static CelEvaluationException NoOverload(string function, object? target, bool hasReceiver, object?[] args)
    {
        string arguments = string.Join(", ", args.Select(CelOperators.TypeName));
        return new CelEvaluationException(hasReceiver
            ? $"no such overload: {CelOperators.TypeName(target)}.{function}({arguments})"
            : $"no such overload: {function}({arguments})");
    }
}
