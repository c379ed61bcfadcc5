namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>
/// Kubernetes' escaping of property names in CEL: a name that is a CEL reserved word is written <c>__name__</c>
/// (<c>__namespace__</c> for <c>namespace</c>), and <c>__</c>, <c>.</c>, <c>-</c>, <c>/</c> as <c>__underscores__</c>,
/// <c>__dot__</c>, <c>__dash__</c>, <c>__slash__</c>.
/// </summary>
internal static class CelFieldNames
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import",
        "let", "loop", "package", "namespace", "return", "var", "void", "while",
    };

    public static string Unescape(string name)
    {
        if (!name.Contains("__", StringComparison.Ordinal))
        {
            return name;
        }
        if (name.Length > 4 && name.StartsWith("__", StringComparison.Ordinal) && name.EndsWith("__", StringComparison.Ordinal)
            && Reserved.Contains(name[2..^2]))
        {
            return name[2..^2];
        }
        return name.Replace("__underscores__", "\0", StringComparison.Ordinal)
            .Replace("__dot__", ".", StringComparison.Ordinal)
            .Replace("__dash__", "-", StringComparison.Ordinal)
            .Replace("__slash__", "/", StringComparison.Ordinal)
            .Replace("\0", "__", StringComparison.Ordinal);
    }
}
