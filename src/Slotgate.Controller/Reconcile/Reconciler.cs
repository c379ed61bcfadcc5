using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>
/// Reconciliation as pure functions: from what the API server holds (<see cref="ClusterSnapshot"/>) to the objects each
/// of Slotgate's Gateways should have and the statuses to write on GatewayClasses, Gateways and TCPRoutes. Objects of
/// other controllers' classes are left alone: no status, no objects. The controller calls
/// <see cref="ReconcileClass(GatewayClassInput, ClusterSnapshot)"/> and <see cref="ReconcileGateway"/> per work item;
/// <see cref="Reconcile(ClusterSnapshot)"/> does everything at once.
/// </summary>
internal sealed class Reconciler(string controllerName = GatewayApi.ControllerName)
{
    public string ControllerName => controllerName;

    public ReconcilePlan Reconcile(ClusterSnapshot snapshot)
    {
        var classes = snapshot.Classes
            .Where(c => c.ControllerName == controllerName)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => ReconcileClass(c, snapshot))
            .ToList();
        var gateways = new List<GatewayPlan>();
        foreach (GatewayInput gateway in snapshot.Gateways.OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            if (ReconcileGateway(gateway.Key, snapshot) is { } plan)
            {
                gateways.Add(plan);
            }
        }
        return new ReconcilePlan(classes, gateways, gateways.SelectMany(g => g.RouteParents).ToList());
    }

    /// <summary>The status of a class Slotgate claims; null when the class belongs to another controller.</summary>
    public GatewayClassResult? ReconcileClass(string name, ClusterSnapshot snapshot) =>
        snapshot.Classes.FirstOrDefault(c => c.Name == name) is { } gatewayClass && gatewayClass.ControllerName == controllerName
            ? ReconcileClass(gatewayClass, snapshot)
            : null;

    public static GatewayClassResult ReconcileClass(GatewayClassInput gatewayClass, ClusterSnapshot snapshot)
    {
        long generation = gatewayClass.Generation;
        (SlotgateParameters? parameters, string? error) = ParametersResolver.Resolve(gatewayClass, snapshot);
        string? version = snapshot.GatewayApiBundleVersion;
        Condition supported = version is null
            ? Condition.True(GatewayApi.Conditions.SupportedVersion, GatewayApi.Reasons.SupportedVersion,
                $"the Gateway API CRD version could not be read; slotgate-controller is written for {GatewayApi.SupportedBundleVersion}", generation)
            : IsSupported(version)
                ? Condition.True(GatewayApi.Conditions.SupportedVersion, GatewayApi.Reasons.SupportedVersion, $"Gateway API {version} CRDs are supported", generation)
                : Condition.False(GatewayApi.Conditions.SupportedVersion, GatewayApi.Reasons.UnsupportedVersion,
                    $"Gateway API {version} CRDs are installed; slotgate-controller is written for {GatewayApi.SupportedBundleVersion}", generation);
        Condition accepted = error is not null
            ? Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.InvalidParameters, error, generation)
            : version is not null && IsOlder(version)
                ? Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.UnsupportedVersion, supported.Message, generation)
                : Condition.True(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.Accepted, "claimed by slotgate-controller", generation);
        return new GatewayClassResult(gatewayClass.Name, accepted, accepted.Status ? parameters : null, supported);
    }

    /// <summary>The plan of one Gateway; null when it is gone or of a class Slotgate does not claim.</summary>
    public GatewayPlan? ReconcileGateway(ObjectKey key, ClusterSnapshot snapshot)
    {
        GatewayInput? gateway = snapshot.Gateways.FirstOrDefault(g => g.Key == key);
        if (gateway is null || ReconcileClass(gateway.ClassName, snapshot) is not { } gatewayClass)
        {
            return null;
        }
        IReadOnlyDictionary<string, string> conflicts = ListenerConflicts.Find(gateway.Listeners);
        var served = gateway.Listeners.Where(l => l.Protocol == "TCP" && !conflicts.ContainsKey(l.Name)).ToList();
        var parents = RouteParentsOf(gateway, served, snapshot);
        return PlanGateway(gateway, gatewayClass, served, conflicts, parents, snapshot);
    }

    /// <summary>
    /// The status to write when applying the Gateway's objects failed: not Programmed, with the API server's message,
    /// so the operator sees why on the Gateway itself.
    /// </summary>
    public static GatewayStatusResult ApplyFailed(GatewayPlan plan, long generation, string message)
    {
        var conditions = plan.Status.Conditions
            .Select(c => c.Type == GatewayApi.Conditions.Programmed
                ? Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Invalid, message, generation)
                : c)
            .ToList();
        var listeners = plan.Status.Listeners
            .Select(l => l with
            {
                Conditions = l.Conditions.Select(c => c.Type == GatewayApi.Conditions.Programmed && c.Status
                    ? Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Pending, "the Gateway's objects could not be applied", generation)
                    : c).ToList(),
            })
            .ToList();
        return plan.Status with { Conditions = conditions, Listeners = listeners };
    }

    private static bool IsSupported(string version) =>
        version == GatewayApi.SupportedBundleVersion || version.StartsWith(GatewayApi.SupportedBundleVersion + ".", StringComparison.Ordinal);

    /// <summary>Releases before v1.4 lack what the controller writes (e.g. TCPRoute v1alpha2 status fields it relies on).</summary>
    private static bool IsOlder(string version)
    {
        string[] parts = version.TrimStart('v').Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], out int major) && int.TryParse(parts[1], out int minor)
            && (major < 1 || (major == 1 && minor < 4));
    }

    private static List<RouteParentResult> RouteParentsOf(GatewayInput gateway, List<ListenerInput> served, ClusterSnapshot snapshot)
    {
        var results = new List<RouteParentResult>();
        foreach (TcpRouteInput route in snapshot.Routes.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
        {
            foreach (ParentRefInput parent in route.ParentRefs.Where(p => RouteAttachment.RefersTo(p, route.Key, gateway)))
            {
                (IReadOnlyList<string> listeners, Condition accepted) = RouteAttachment.Attach(parent, route, gateway, served, snapshot);
                (IReadOnlyList<string> seeds, Condition resolved) = BackendResolver.Resolve(route, gateway.Key, snapshot);
                results.Add(new RouteParentResult(route.Key, parent, gateway.Key, listeners, accepted.Status ? seeds : [], [accepted, resolved]));
            }
        }
        return results;
    }

    private static GatewayPlan PlanGateway(
        GatewayInput gateway, GatewayClassResult gatewayClass, List<ListenerInput> served,
        IReadOnlyDictionary<string, string> conflicts, List<RouteParentResult> parents, ClusterSnapshot snapshot)
    {
        long generation = gateway.Generation;
        var ports = served.Select(l => l.Port).Distinct().Order().ToList();
        var seeds = parents.SelectMany(p => p.Seeds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        SlotgateParameters parameters = gatewayClass.Parameters ?? SlotgateParameters.Default;
        snapshot.ReadyReplicas.TryGetValue(gateway.Key, out int ready);

        // Slotgate refuses to start without a seed, so without a resolvable backend there are no pods to run.
        bool runnable = gatewayClass.Parameters is not null && ports.Count > 0 && seeds.Count > 0;
        string config = SlotgateConfigText.Render(ports, seeds, parameters);
        int replicas = runnable ? parameters.Replicas : 0;

        Condition accepted = AcceptedCondition(gateway, gatewayClass, served, conflicts);
        Condition programmed = !accepted.Status
            ? Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Invalid, "the Gateway is not accepted: " + accepted.Message, generation)
            : !runnable
                ? Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Pending, "no attached TCPRoute with a resolvable backend Service", generation)
                : ready == 0
                    ? Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Pending,
                        $"waiting for a ready Slotgate pod (Deployment {gateway.Key} has no ready replica)", generation)
                    : Condition.True(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Programmed, $"{ready} Slotgate pod(s) ready", generation);

        var listeners = gateway.Listeners.Select(l => ListenerStatus(l, conflicts, parents, programmed.Status, generation)).ToList();
        // Istio takes the waypoint's address from status.addresses: publish it once a pod can answer there, and keep it
        // published afterwards (Istio expects a waypoint's address to stay while its pods restart).
        IReadOnlyList<string> hostnames = programmed.Status
            ? [$"{gateway.Key.Name}.{gateway.Key.Namespace}.{GatewayApi.ClusterDomain}"]
            : gateway.PublishedAddresses ?? [];

        return new GatewayPlan(
            gateway.Key,
            seeds,
            DesiredObjects.ServiceAccount(gateway),
            DesiredObjects.ConfigMap(gateway, config),
            DesiredObjects.Deployment(gateway, parameters, ports, config, replicas),
            DesiredObjects.Service(gateway, ports, parameters),
            new GatewayStatusResult(hostnames, [accepted, programmed], listeners))
        {
            RouteParents = parents,
            InboundBindingAnnotation = gatewayClass.Parameters is { InboundBinding: InboundBinding.Proxy } ? GatewayApi.ProxyInboundBinding : null,
            KeepObjects = gatewayClass.Parameters is null,
        };
    }

    private static Condition AcceptedCondition(
        GatewayInput gateway, GatewayClassResult gatewayClass, List<ListenerInput> served, IReadOnlyDictionary<string, string> conflicts)
    {
        long generation = gateway.Generation;
        if (gatewayClass.Parameters is null)
        {
            return Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.InvalidParameters,
                $"GatewayClass {gatewayClass.Name} is not accepted: {gatewayClass.Accepted.Message}", generation);
        }
        var notServed = gateway.Listeners.Where(l => !served.Contains(l)).Select(l =>
            conflicts.TryGetValue(l.Name, out string? reason) ? $"{l.Name} ({reason})" : $"{l.Name} (protocol {l.Protocol} is not supported)").ToList();
        if (served.Count == 0)
        {
            return Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.ListenersNotValid,
                "no listener Slotgate can serve (it serves distinct TCP listeners); not accepted: " + string.Join(", ", notServed), generation);
        }
        return notServed.Count > 0
            ? Condition.True(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.ListenersNotValid,
                $"accepted listeners: {string.Join(", ", served.Select(l => l.Name))}; not accepted: {string.Join(", ", notServed)}", generation)
            : Condition.True(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.Accepted, "accepted by slotgate-controller", generation);
    }

    private static ListenerStatusResult ListenerStatus(
        ListenerInput listener, IReadOnlyDictionary<string, string> conflicts, List<RouteParentResult> parents, bool programmed, long generation)
    {
        Condition conflicted = conflicts.TryGetValue(listener.Name, out string? conflict)
            ? Condition.True(GatewayApi.Conditions.Conflicted, conflict,
                $"another listener on port {listener.Port} is not distinct from this one; neither is served", generation)
            : Condition.False(GatewayApi.Conditions.Conflicted, GatewayApi.Reasons.NoConflicts, "no conflicts", generation);
        Condition resolved = Condition.True(GatewayApi.Conditions.ResolvedRefs, GatewayApi.Reasons.ResolvedRefs, "no references to resolve", generation);
        if (listener.Protocol != "TCP")
        {
            return new ListenerStatusResult(listener.Name, 0,
            [
                Condition.False(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.UnsupportedProtocol, $"protocol {listener.Protocol} is not supported; use TCP", generation),
                Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Invalid, "not accepted", generation),
                resolved,
                conflicted,
            ], []);
        }
        if (conflict is not null)
        {
            return new ListenerStatusResult(listener.Name, 0,
            [
                Condition.False(GatewayApi.Conditions.Accepted, conflict, conflicted.Message, generation),
                Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Invalid, "not accepted", generation),
                resolved,
                conflicted,
            ], [GatewayApi.TcpRouteKind]);
        }
        int attached = parents.Count(p => p.AttachedListeners.Contains(listener.Name));
        return new ListenerStatusResult(listener.Name, attached,
        [
            Condition.True(GatewayApi.Conditions.Accepted, GatewayApi.Reasons.Accepted, "TCP listener", generation),
            programmed
                ? Condition.True(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Programmed, "served by Slotgate", generation)
                : Condition.False(GatewayApi.Conditions.Programmed, GatewayApi.Reasons.Pending, "waiting for a ready Slotgate pod", generation),
            resolved,
            conflicted,
        ], [GatewayApi.TcpRouteKind]);
    }
}
