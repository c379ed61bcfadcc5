using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>
/// One reconcile pass as a pure function: from what the API server holds (<see cref="ClusterSnapshot"/>) to the
/// objects each of Slotgate's Gateways should have and the statuses to write on GatewayClasses, Gateways and
/// TCPRoutes. Objects of other controllers' classes are left alone: no status, no objects.
/// </summary>
internal sealed class Reconciler(string controllerName = GatewayApi.ControllerName)
{
    public ReconcilePlan Reconcile(ClusterSnapshot snapshot)
    {
        var classes = snapshot.Classes
            .Where(c => c.ControllerName == controllerName)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => ReconcileClass(c, snapshot))
            .ToList();
        var classByName = classes.ToDictionary(c => c.Name, StringComparer.Ordinal);

        var gateways = new List<GatewayPlan>();
        var routeParents = new List<RouteParentResult>();
        foreach (GatewayInput gateway in snapshot.Gateways.OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            if (!classByName.TryGetValue(gateway.ClassName, out GatewayClassResult? gatewayClass))
            {
                continue;
            }
            var parents = RouteParentsOf(gateway, snapshot);
            routeParents.AddRange(parents);
            gateways.Add(PlanGateway(gateway, gatewayClass, parents, snapshot));
        }
        return new ReconcilePlan(classes, gateways, routeParents);
    }

    private static GatewayClassResult ReconcileClass(GatewayClassInput gatewayClass, ClusterSnapshot snapshot)
    {
        (SlotgateParameters? parameters, string? error) = ParametersResolver.Resolve(gatewayClass, snapshot);
        Condition accepted = error is null
            ? Condition.True(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.Accepted, "claimed by slotgate-controller", gatewayClass.Generation)
            : Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.InvalidParameters, error, gatewayClass.Generation);
        return new GatewayClassResult(gatewayClass.Name, accepted, parameters);
    }

    private static List<RouteParentResult> RouteParentsOf(GatewayInput gateway, ClusterSnapshot snapshot)
    {
        var results = new List<RouteParentResult>();
        foreach (TcpRouteInput route in snapshot.Routes.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
        {
            foreach (ParentRefInput parent in route.ParentRefs.Where(p => RouteAttachment.RefersTo(p, route.Key, gateway)))
            {
                (IReadOnlyList<string> listeners, Condition accepted) = RouteAttachment.Attach(parent, route, gateway, snapshot);
                (IReadOnlyList<string> seeds, Condition resolved) = BackendResolver.Resolve(route, gateway.Key, snapshot);
                results.Add(new RouteParentResult(route.Key, parent, gateway.Key, listeners, accepted.Status ? seeds : [], [accepted, resolved]));
            }
        }
        return results;
    }

    private static GatewayPlan PlanGateway(
        GatewayInput gateway, GatewayClassResult gatewayClass, List<RouteParentResult> parents, ClusterSnapshot snapshot)
    {
        long generation = gateway.Generation;
        var tcpListeners = gateway.Listeners.Where(l => l.Protocol == "TCP").ToList();
        var ports = tcpListeners.Select(l => l.Port).Distinct().Order().ToList();
        var seeds = parents.SelectMany(p => p.Seeds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        SlotgateParameters parameters = gatewayClass.Parameters ?? SlotgateParameters.Default;
        snapshot.ReadyReplicas.TryGetValue(gateway.Key, out int ready);

        // Slotgate refuses to start without a seed, so without a resolvable backend there are no pods to run.
        bool runnable = gatewayClass.Parameters is not null && ports.Count > 0 && seeds.Count > 0;
        string config = SlotgateConfigText.Render(ports, seeds);
        int replicas = runnable ? parameters.Replicas : 0;

        Condition accepted = gatewayClass.Parameters is null
            ? Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.Invalid, $"GatewayClass {gatewayClass.Name}: {gatewayClass.Accepted.Message}", generation)
            : ports.Count == 0
                ? Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.ListenersNotValid, "no TCP listener (Slotgate serves TCP listeners only)", generation)
                : tcpListeners.Count < gateway.Listeners.Count
                    ? Condition.True(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.ListenersNotValid, "listeners other than TCP are ignored", generation)
                    : Condition.True(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.Accepted, "accepted by slotgate-controller", generation);
        bool programmed = runnable && ready > 0;
        Condition programmedCondition = programmed
            ? Condition.True(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Programmed, $"{ready} Slotgate pod(s) ready", generation)
            : Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Pending,
                !runnable ? "no attached TCPRoute with a resolvable backend Service" : "waiting for a ready Slotgate pod", generation);

        var listeners = gateway.Listeners.Select(l => ListenerStatus(l, parents, programmed, generation)).ToList();
        // Istio takes the waypoint's address from status.addresses; publish it only once a pod can answer there.
        IReadOnlyList<string> hostnames = programmed ? [$"{gateway.Key.Name}.{gateway.Key.Namespace}.{GatewayApi.ClusterDomain}"] : [];

        return new GatewayPlan(
            gateway.Key,
            seeds,
            DesiredObjects.ServiceAccount(gateway),
            DesiredObjects.ConfigMap(gateway, config),
            DesiredObjects.Deployment(gateway, parameters, ports, config, replicas),
            DesiredObjects.Service(gateway, ports),
            new GatewayStatusResult(hostnames, [accepted, programmedCondition], listeners));
    }

    private static ListenerStatusResult ListenerStatus(
        ListenerInput listener, List<RouteParentResult> parents, bool programmed, long generation)
    {
        int attached = parents.Count(p => p.AttachedListeners.Contains(listener.Name));
        if (listener.Protocol != "TCP")
        {
            return new ListenerStatusResult(listener.Name, 0,
            [
                Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.UnsupportedProtocol, $"protocol {listener.Protocol} is not supported; use TCP", generation),
                Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Invalid, "not accepted", generation),
                Condition.True(GatewayApi.Conditions.ResolvedRefs, GatewayApi.Reasons.ResolvedRefs, "no references", generation),
            ]);
        }
        return new ListenerStatusResult(listener.Name, attached,
        [
            Condition.True(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.Accepted, "TCP listener", generation),
            programmed
                ? Condition.True(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Programmed, "served by Slotgate", generation)
                : Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Pending, "waiting for a ready Slotgate pod", generation),
            Condition.True(GatewayApi.Conditions.ResolvedRefs, GatewayApi.Reasons.ResolvedRefs, "TCPRoute", generation),
        ]);
    }
}
