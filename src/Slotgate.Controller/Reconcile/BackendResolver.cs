using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>
/// Turns a TCPRoute's backendRefs into Slotgate seeds (<c>service.namespace.svc.cluster.local:port</c>). A backend
/// Service that is itself behind this Gateway (the front Service) is refused: it would loop. A backend in another
/// namespace needs a ReferenceGrant there from TCPRoutes of the route's namespace (Gateway API's rule for
/// cross-namespace references).
/// </summary>
internal static class BackendResolver
{
    public static (IReadOnlyList<string> Seeds, Condition ResolvedRefs) Resolve(TcpRouteInput route, ObjectKey gateway, ClusterSnapshot snapshot)
    {
        var seeds = new List<string>();
        var problems = new List<(string Reason, string Message)>();
        foreach (BackendRefInput backend in route.BackendRefs)
        {
            string ns = backend.Namespace ?? route.Key.Namespace;
            if ((backend.Group ?? "") != "" || (backend.Kind ?? "Service") != "Service")
            {
                problems.Add((GatewayApi.Reasons.InvalidKind, $"backend {backend.Name}: only core Services are supported, not {backend.Group}/{backend.Kind}"));
                continue;
            }
            if (ns != route.Key.Namespace && !Granted(route.Key.Namespace, ns, backend.Name, snapshot.ReferenceGrants))
            {
                problems.Add((GatewayApi.Reasons.RefNotPermitted, $"backend {ns}/{backend.Name}: no ReferenceGrant in {ns} allows TCPRoutes from {route.Key.Namespace}"));
                continue;
            }
            if (backend.Port is not { } port)
            {
                problems.Add((GatewayApi.Reasons.BackendNotFound, $"backend {ns}/{backend.Name}: a port is required"));
                continue;
            }
            ServiceInput? service = snapshot.Services.FirstOrDefault(s => s.Key == new ObjectKey(ns, backend.Name));
            if (service is null)
            {
                problems.Add((GatewayApi.Reasons.BackendNotFound, $"Service {ns}/{backend.Name} not found"));
                continue;
            }
            if (!service.Ports.Contains(port))
            {
                problems.Add((GatewayApi.Reasons.BackendNotFound, $"Service {ns}/{backend.Name} has no port {port}"));
                continue;
            }
            if (service.Waypoint == gateway)
            {
                // Slotgate's own connections to this Service would be sent back to Slotgate.
                problems.Add((GatewayApi.Reasons.BackendNotFound, $"Service {ns}/{backend.Name} is itself behind waypoint {gateway}; name the Redis Cluster's Service"));
                continue;
            }
            seeds.Add($"{backend.Name}.{ns}.{GatewayApi.ClusterDomain}:{port}");
        }

        Condition condition = problems.Count == 0
            ? Condition.True(GatewayApi.Conditions.ResolvedRefs, GatewayApi.Reasons.ResolvedRefs, "all backends resolved", route.Generation)
            : Condition.False(GatewayApi.Conditions.ResolvedRefs, problems[0].Reason, string.Join("; ", problems.Select(p => p.Message)), route.Generation);
        return (seeds, condition);
    }

    private static bool Granted(string fromNamespace, string toNamespace, string serviceName, IReadOnlyList<ReferenceGrantInput> grants) =>
        grants.Any(g => g.Namespace == toNamespace
            && g.From.Any(f => f.Group == GatewayApi.Group && f.Kind == GatewayApi.TcpRouteKind && f.Namespace == fromNamespace)
            && g.To.Any(t => t.Group.Length == 0 && t.Kind == "Service" && (t.Name is null || t.Name == serviceName)));
}
