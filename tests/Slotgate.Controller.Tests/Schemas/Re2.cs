using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// Regular expressions as Kubernetes evaluates them (Go's RE2 syntax, unanchored search), for OpenAPI <c>pattern</c>
/// and CEL <c>matches</c>. .NET's engine agrees with RE2 on the syntax the schemas use; the one difference that matters
/// is <c>$</c>, which in .NET also matches before a final newline and in RE2 only at the end, so it becomes <c>\z</c>.
/// </summary>
internal static class Re2
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    public static bool Matches(string input, string pattern)
    {
        try
        {
            return Compile(pattern).IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new Cel.CelEvaluationException($"regular expression '{pattern}' took too long");
        }
    }

    public static Regex Compile(string pattern) => Cache.GetOrAdd(pattern, p =>
    {
        try
        {
            return new Regex(Translate(p), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
        }
        catch (ArgumentException e)
        {
            throw new Cel.CelEvaluationException($"invalid regular expression '{p}': {e.Message}");
        }
    });

    private static string Translate(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 4);
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                result.Append(c).Append(pattern[++i]);
                continue;
            }
            if (inClass)
            {
                inClass = c != ']';
                result.Append(c);
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                result.Append(c);
                // A ']' right after '[' or '[^' is a literal member of the class.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    result.Append(pattern[++i]);
                }
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    result.Append(pattern[++i]);
                }
                continue;
            }
            result.Append(c == '$' ? @"\z" : c.ToString());
        }
        return result.ToString();
    }
}
