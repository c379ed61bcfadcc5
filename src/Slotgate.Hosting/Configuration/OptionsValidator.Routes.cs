using System.Globalization;
using Slotgate.Upstreams;

namespace Slotgate.Configuration;

/// <summary>Checks of <c>upstreams</c> and <c>routes</c>: every name a route uses must exist, every server must parse.</summary>
internal static partial class OptionsValidator
{
    private static void ValidateUpstreams(SlotgateOptions options, List<string> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { UpstreamOptions.DefaultName };
        for (int i = 0; i < options.Upstreams.Count; i++)
        {
            UpstreamOptions upstream = options.Upstreams[i];
            string path = $"upstreams[{i}]";
            if (string.IsNullOrWhiteSpace(upstream.Name))
            {
                errors.Add($"{path}.name: required");
            }
            else if (!names.Add(upstream.Name))
            {
                errors.Add(upstream.Name == UpstreamOptions.DefaultName
                    ? $"{path}.name: '{UpstreamOptions.DefaultName}' is the main cluster's name (the cluster section)"
                    : $"{path}.name: '{upstream.Name}' is used twice");
            }
            if (!UpstreamOptions.Types.Contains(upstream.Type))
            {
                errors.Add($"{path}.type: must be one of {string.Join(", ", UpstreamOptions.Types)}, got '{upstream.Type}'");
            }
            if (upstream.Servers.Count == 0)
            {
                errors.Add($"{path}.servers: at least one server is required");
            }
            else if (upstream.Type == "standalone" && upstream.Servers.Count != 1)
            {
                errors.Add($"{path}.servers: a standalone upstream has exactly one server (use type ketama to shard over several), got {upstream.Servers.Count}");
            }
            var ringNames = new HashSet<string>(StringComparer.Ordinal);
            for (int j = 0; j < upstream.Servers.Count; j++)
            {
                if (!UpstreamServer.TryParse(upstream.Servers[j], out UpstreamServer? server, out string? error))
                {
                    errors.Add($"{path}.servers[{j}]: '{upstream.Servers[j]}' {error}");
                }
                else if (upstream.Type != "ketama" && (server!.Weight != 1 || server.RingName != server.Endpoint))
                {
                    errors.Add($"{path}.servers[{j}]: weights and names are for ketama upstreams only");
                }
                else if (!ringNames.Add(server!.RingName))
                {
                    errors.Add($"{path}.servers[{j}]: '{server.RingName}' is listed twice");
                }
            }
            if (upstream.Username is not null && upstream.Password is null)
            {
                errors.Add($"{path}.password: required when username is set");
            }
        }

        RoutesOptions routes = options.Routes;
        var prefixes = new HashSet<string>(routes.CaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        for (int i = 0; i < routes.Prefixes.Count; i++)
        {
            string path = $"routes.prefixes[{i}]";
            PrefixRouteOptions route = routes.Prefixes[i];
            if (route.Prefix.Length == 0)
            {
                errors.Add($"{path}.prefix: required (the route for every other key is routes.catchAll)");
            }
            else if (!prefixes.Add(route.Prefix))
            {
                errors.Add($"{path}.prefix: '{route.Prefix}' is listed twice");
            }
            ValidateRoute(route, path, names, errors);
        }
        if (routes.CatchAll is { } catchAll)
        {
            if (catchAll.Prefix.Length > 0 || catchAll.RemovePrefix)
            {
                errors.Add("routes.catchAll: has no prefix (prefix and removePrefix are for routes.prefixes)");
            }
            ValidateRoute(catchAll, "routes.catchAll", names, errors);
        }
    }

    private static void ValidateRoute(PrefixRouteOptions route, string path, HashSet<string> upstreams, List<string> errors)
    {
        if (!upstreams.Contains(route.Upstream))
        {
            errors.Add($"{path}.upstream: no upstream is named '{route.Upstream}' (names: {string.Join(", ", upstreams)})");
        }
        if (route.ReadUpstream is { } read && !upstreams.Contains(read))
        {
            errors.Add($"{path}.readUpstream: no upstream is named '{read}'");
        }
        if (route.KeyFormatter is { } formatter && !formatter.Contains("%KEY%", StringComparison.Ordinal))
        {
            errors.Add($"{path}.keyFormatter: must contain %KEY% (the key), got '{formatter}'");
        }
        for (int i = 0; i < route.Mirrors.Count; i++)
        {
            MirrorOptions mirror = route.Mirrors[i];
            if (!upstreams.Contains(mirror.Upstream))
            {
                errors.Add($"{path}.mirrors[{i}].upstream: no upstream is named '{mirror.Upstream}'");
            }
            if (double.IsNaN(mirror.Percent) || mirror.Percent is < 0 or > 100)
            {
                errors.Add($"{path}.mirrors[{i}].percent: must be between 0 and 100, got {mirror.Percent.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }
}
