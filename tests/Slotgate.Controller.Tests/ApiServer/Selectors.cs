using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// Label selectors (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>) and
/// field selectors (<c>metadata.name=x</c>, <c>metadata.namespace!=y</c>, any dotted path) as list and watch take them.
/// </summary>
internal static class Selectors
{
    public static Func<JsonObject, bool> Parse(string? labelSelector, string? fieldSelector)
    {
        var tests = new List<Func<JsonObject, bool>>();
        if (!string.IsNullOrWhiteSpace(labelSelector))
        {
            foreach (string term in SplitTerms(labelSelector))
            {
                tests.Add(LabelTerm(term.Trim()));
            }
        }
        if (!string.IsNullOrWhiteSpace(fieldSelector))
        {
            foreach (string term in fieldSelector.Split(','))
            {
                tests.Add(FieldTerm(term.Trim()));
            }
        }
        return obj => tests.TrueForAll(t => t(obj));
    }

    private static IEnumerable<string> SplitTerms(string selector)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < selector.Length; i++)
        {
            switch (selector[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return selector[start..i];
                    start = i + 1;
                    break;
            }
        }
        yield return selector[start..];
    }

    private static Func<JsonObject, bool> LabelTerm(string term)
    {
        string? Label(JsonObject o, string key) => o["metadata"]?["labels"]?[key]?.GetValue<string>();
        if (term.StartsWith('!'))
        {
            string key = term[1..].Trim();
            return o => Label(o, key) is null;
        }
        int op = term.IndexOf("!=", StringComparison.Ordinal);
        if (op > 0)
        {
            string key = term[..op].Trim(), value = term[(op + 2)..].Trim();
            return o => Label(o, key) != value;
        }
        op = term.IndexOf('=');
        if (op > 0)
        {
            string key = term[..op].Trim(), value = term[(op + 1)..].TrimStart('=').Trim();
            return o => Label(o, key) == value;
        }
        int paren = term.IndexOf('(');
        if (paren > 0)
        {
            string[] words = term[..paren].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 2 || !term.EndsWith(')'))
            {
                throw ApiError.BadRequest($"unable to parse requirement: {term}");
            }
            var values = term[(paren + 1)..^1].Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
            string key = words[0];
            return words[1] switch
            {
                "in" => o => Label(o, key) is string v && values.Contains(v),
                "notin" => o => Label(o, key) is not string v || !values.Contains(v),
                _ => throw ApiError.BadRequest($"unable to parse requirement: {term}"),
            };
        }
        if (term.Length == 0)
        {
            return _ => true;
        }
        return o => Label(o, term) is not null;
    }

    private static Func<JsonObject, bool> FieldTerm(string term)
    {
        bool negate = false;
        int op = term.IndexOf("!=", StringComparison.Ordinal);
        int length = 2;
        if (op > 0)
        {
            negate = true;
        }
        else
        {
            op = term.IndexOf("==", StringComparison.Ordinal);
            if (op < 0)
            {
                op = term.IndexOf('=');
                length = 1;
            }
        }
        if (op <= 0)
        {
            throw ApiError.BadRequest($"invalid selector: '{term}'; can't understand '{term}'");
        }
        string[] path = term[..op].Trim().Split('.');
        string value = term[(op + length)..].Trim();
        return o =>
        {
            JsonNode? node = o;
            foreach (string part in path)
            {
                node = node is JsonObject obj ? obj[part] : null;
            }
            string actual = node is JsonValue v ? v.ToString() : "";
            return (actual == value) != negate;
        };
    }
}
