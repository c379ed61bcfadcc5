using System.Globalization;
using System.Text;

namespace Slotgate.Configuration;

/// <summary>The <c>upstreams</c> and <c>routes</c> sections, in the file's shape; upstream passwords masked.</summary>
internal static partial class OptionsRenderer
{
    private static void RenderUpstreamsAndRoutes(StringBuilder yaml, SlotgateOptions options)
    {
        yaml.Append(options.Upstreams.Count == 0 ? "upstreams: []\n" : "upstreams:\n");
        foreach (var upstream in options.Upstreams)
        {
            yaml.Append("  - name: ").Append(Quote(upstream.Name)).Append('\n');
            Scalar(yaml, 2, "type", upstream.Type);
            List(yaml, 2, "servers", upstream.Servers);
            Scalar(yaml, 2, "username", upstream.Username is null ? null : Quote(upstream.Username));
            Scalar(yaml, 2, "password", upstream.Password is null ? null : Quote(SlotgateConfiguration.SecretMask));
        }

        var routes = options.Routes;
        yaml.Append("routes:\n");
        Scalar(yaml, 1, "caseInsensitive", routes.CaseInsensitive ? "true" : "false");
        if (routes.CatchAll is { } catchAll)
        {
            yaml.Append("  catchAll:\n");
            RouteFields(yaml, 2, catchAll);
        }
        yaml.Append(routes.Prefixes.Count == 0 ? "  prefixes: []\n" : "  prefixes:\n");
        foreach (var route in routes.Prefixes)
        {
            yaml.Append("    - prefix: ").Append(Quote(route.Prefix)).Append('\n');
            RouteFields(yaml, 3, route);
            Scalar(yaml, 3, "removePrefix", route.RemovePrefix ? "true" : "false");
        }
    }

    private static void RouteFields(StringBuilder yaml, int depth, PrefixRouteOptions route)
    {
        Scalar(yaml, depth, "upstream", Quote(route.Upstream));
        Scalar(yaml, depth, "keyFormatter", route.KeyFormatter is null ? null : Quote(route.KeyFormatter));
        Scalar(yaml, depth, "readUpstream", route.ReadUpstream is null ? null : Quote(route.ReadUpstream));
        yaml.Append(' ', depth * 2).Append(route.Mirrors.Count == 0 ? "mirrors: []\n" : "mirrors:\n");
        foreach (var mirror in route.Mirrors)
        {
            yaml.Append(' ', (depth + 1) * 2).Append("- upstream: ").Append(Quote(mirror.Upstream)).Append('\n');
            Scalar(yaml, depth + 2, "percent", mirror.Percent.ToString(CultureInfo.InvariantCulture));
            Scalar(yaml, depth + 2, "excludeReads", mirror.ExcludeReads ? "true" : "false");
        }
    }
}
