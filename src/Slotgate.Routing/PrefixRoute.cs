using System.Text;
using Slotgate.Upstreams;

namespace Slotgate.Routing;

/// <summary>
/// One prefix route, resolved against the upstreams: where its keys go (reads possibly elsewhere), how keys are
/// rewritten (prefix removed, then <c>%KEY%</c> formatted) and where copies are mirrored. Immutable.
/// </summary>
internal sealed class PrefixRoute
{
    private readonly byte[][]? _formatParts;

    public PrefixRoute(string prefix, Upstream upstream, Upstream? readUpstream, bool removePrefix, string? keyFormatter, IReadOnlyList<MirrorTarget> mirrors)
    {
        Prefix = Encoding.UTF8.GetBytes(prefix);
        Upstream = upstream;
        ReadUpstream = readUpstream;
        RemovePrefix = removePrefix && Prefix.Length > 0;
        // "a%KEY%b%KEY%" -> ["a", "b", ""]: the key goes between consecutive parts.
        _formatParts = keyFormatter is null ? null : [.. keyFormatter.Split("%KEY%").Select(Encoding.UTF8.GetBytes)];
        Mirrors = mirrors;
    }

    public byte[] Prefix { get; }

    public Upstream Upstream { get; }

    public Upstream? ReadUpstream { get; }

    public bool RemovePrefix { get; }

    public IReadOnlyList<MirrorTarget> Mirrors { get; }

    public bool RewritesKeys => RemovePrefix || _formatParts is not null;

    /// <summary>True when a command of this kind (read or not) on this route is exactly what the main cluster path does.</summary>
    public bool IsPlainDefault(bool read) =>
        (read && ReadUpstream is not null ? ReadUpstream : Upstream).IsDefault && !RewritesKeys && Mirrors.Count == 0;

    /// <summary>The upstream for a command: reads go to <see cref="ReadUpstream"/> when set (Envoy's read_command_policy).</summary>
    public Upstream For(bool read) => read && ReadUpstream is not null ? ReadUpstream : Upstream;

    /// <summary>The key as sent upstream. Allocates; only routes that rewrite keys call it.</summary>
    public byte[] Rewrite(ReadOnlySpan<byte> key)
    {
        if (RemovePrefix)
        {
            key = key[Prefix.Length..];
        }
        if (_formatParts is null)
        {
            return key.ToArray();
        }
        int length = (_formatParts.Length - 1) * key.Length + _formatParts.Sum(p => p.Length);
        var result = new byte[length];
        int at = 0;
        for (int i = 0; i < _formatParts.Length; i++)
        {
            if (i > 0)
            {
                key.CopyTo(result.AsSpan(at));
                at += key.Length;
            }
            _formatParts[i].CopyTo(result.AsSpan(at));
            at += _formatParts[i].Length;
        }
        return result;
    }
}
