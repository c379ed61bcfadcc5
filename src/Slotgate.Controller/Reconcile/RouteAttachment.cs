using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>Decides which listeners of a Gateway a route's parentRef attaches to, following the Gateway API rules.</summary>
internal static class RouteAttachment
{
    /// <summary>True when the parentRef names this Gateway (group, kind, namespace defaulting as the spec says).</summary>
    public static bool RefersTo(ParentRefInput parent, ObjectKey route, GatewayInput gateway) =>
        (parent.Group ?? GatewayApi.Group) == GatewayApi.Group
        && (parent.Kind ?? GatewayApi.GatewayKind) == GatewayApi.GatewayKind
        && (parent.Namespace ?? route.Namespace) == gateway.Key.Namespace
        && parent.Name == gateway.Key.Name;

    /// <summary>The listeners the route attaches to, and the Accepted condition for this parent.</summary>
    public static (IReadOnlyList<string> Listeners, Condition Accepted) Attach(
        ParentRefInput parent, TcpRouteInput route, GatewayInput gateway, IReadOnlyList<ListenerInput> served, ClusterSnapshot snapshot)
    {
        var candidates = gateway.Listeners
            .Where(l => parent.SectionName is null || l.Name == parent.SectionName)
            .Where(l => parent.Port is null || l.Port == parent.Port)
            .ToList();
        if (candidates.Count == 0)
        {
            return ([], Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.NoMatchingParent,
                $"Gateway {gateway.Key} has no listener matching sectionName '{parent.SectionName}' port '{parent.Port}'", route.Generation));
        }
        var tcp = candidates.Where(l => l.Protocol == "TCP").ToList();
        if (tcp.Count > 0 && !tcp.Any(served.Contains))
        {
            return ([], Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.NoMatchingParent,
                $"the matching listener(s) {string.Join(", ", tcp.Select(l => l.Name))} of Gateway {gateway.Key} are conflicted and not served", route.Generation));
        }
        tcp = tcp.Where(served.Contains).ToList();
        var allowed = tcp.Where(l => Allows(l, route.Key.Namespace, gateway.Key.Namespace, snapshot)).Select(l => l.Name).ToList();
        if (allowed.Count == 0)
        {
            string why = tcp.Count == 0 ? "no TCP listener matches" : $"the listeners do not allow routes from namespace {route.Key.Namespace}";
            return ([], Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.NotAllowedByListeners, why, route.Generation));
        }
        return (allowed, Condition.True(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.Accepted,
            $"attached to {gateway.Key} listener(s) {string.Join(", ", allowed)}", route.Generation));
    }

    private static bool Allows(ListenerInput listener, string routeNamespace, string gatewayNamespace, ClusterSnapshot snapshot) =>
        listener.AllowedFrom switch
        {
            "All" => true,
            "Selector" => listener.NamespaceSelector is { Count: > 0 } selector
                && snapshot.NamespaceLabels.TryGetValue(routeNamespace, out IReadOnlyDictionary<string, string>? labels)
                && selector.All(s => labels.TryGetValue(s.Key, out string? v) && v == s.Value),
            _ => routeNamespace == gatewayNamespace,
        };
}
