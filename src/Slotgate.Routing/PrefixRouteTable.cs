using System.Text;
using Slotgate.Configuration;
using Slotgate.Upstreams;

namespace Slotgate.Routing;

/// <summary>
/// <c>routes</c>, resolved: the longest matching prefix wins (ASCII case-insensitively when configured), and keys no
/// prefix matches take the catch-all route, by default the main cluster unchanged. Prefixes are kept longest first,
/// so the first match is the longest; route tables are small, so a scan beats a trie here.
/// </summary>
internal sealed class PrefixRouteTable
{
    private readonly PrefixRoute[] _byLength;
    private readonly bool _caseInsensitive;

    public PrefixRouteTable(RoutesOptions routes, UpstreamSet upstreams)
    {
        _caseInsensitive = routes.CaseInsensitive;
        _byLength = [.. routes.Prefixes.Select(r => Resolve(r, upstreams)).OrderByDescending(r => r.Prefix.Length)];
        CatchAll = Resolve(routes.CatchAll ?? new PrefixRouteOptions(), upstreams);
    }

    public PrefixRoute CatchAll { get; }

    public PrefixRoute Match(ReadOnlySpan<byte> key)
    {
        foreach (PrefixRoute route in _byLength)
        {
            if (key.Length >= route.Prefix.Length &&
                (_caseInsensitive ? Ascii.EqualsIgnoreCase(key[..route.Prefix.Length], route.Prefix) : key.StartsWith(route.Prefix)))
            {
                return route;
            }
        }
        return CatchAll;
    }

    private static PrefixRoute Resolve(PrefixRouteOptions route, UpstreamSet upstreams) => new(
        route.Prefix,
        upstreams[route.Upstream],
        route.ReadUpstream is null ? null : upstreams[route.ReadUpstream],
        route.RemovePrefix,
        route.KeyFormatter,
        [.. route.Mirrors.Select(m => new MirrorTarget(upstreams[m.Upstream], m.Percent, m.ExcludeReads))]);
}
