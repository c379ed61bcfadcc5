namespace Slotgate.Security;

/// <summary>
/// A SPIFFE ID, or a pattern of them, as <c>auth.users[].identities</c> and <c>diagnostics.identities</c> take them:
/// <c>spiffe://cluster.local/ns/shop/sa/cart</c> matches exactly that identity, and <c>*</c> matches any run of
/// characters within one path segment (never a <c>/</c>), so <c>spiffe://cluster.local/ns/shop/sa/*</c> is every
/// service account of namespace <c>shop</c> and <c>spiffe://cluster.local/ns/*/sa/cart</c> every <c>cart</c>.
/// Matching is case-sensitive, as SPIFFE IDs are compared.
/// </summary>
internal sealed class IdentityPattern
{
    private const string Scheme = "spiffe://";

    private IdentityPattern(string text) => Text = text;

    public string Text { get; }

    public override string ToString() => Text;

    /// <summary>A pattern from configuration, or null with the reason it is not one.</summary>
    public static IdentityPattern? Parse(string text, out string? error)
    {
        error = null;
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            error = $"'{text}' is not a SPIFFE ID (spiffe://trust-domain/path, '*' matching within one segment)";
            return null;
        }
        ReadOnlySpan<char> rest = text.AsSpan(Scheme.Length);
        int slash = rest.IndexOf('/');
        if (rest.Length == 0 || slash == 0)
        {
            error = $"'{text}' has no trust domain";
            return null;
        }
        foreach (char c in rest)
        {
            // The SPIFFE ID character set (letters, digits, '.', '-', '_' and '/' between segments), plus the wildcard.
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '*'))
            {
                error = $"'{text}' contains '{c}', which no SPIFFE ID holds";
                return null;
            }
        }
        if (rest.Contains("//", StringComparison.Ordinal) || rest.EndsWith("/"))
        {
            error = $"'{text}' has an empty path segment";
            return null;
        }
        return new IdentityPattern(text);
    }

    public bool Matches(string identity) => Match(Text, identity);

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        while (pattern.Length > 0)
        {
            if (pattern[0] == '*')
            {
                pattern = pattern[1..];
                // Try every length of what '*' takes, up to the end of the segment.
                for (int i = 0; ; i++)
                {
                    if (Match(pattern, value[i..]))
                    {
                        return true;
                    }
                    if (i == value.Length || value[i] == '/')
                    {
                        return false;
                    }
                }
            }
            if (value.Length == 0 || value[0] != pattern[0])
            {
                return false;
            }
            pattern = pattern[1..];
            value = value[1..];
        }
        return value.Length == 0;
    }
}
