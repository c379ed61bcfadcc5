using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Tests.Reconcile;

/// <summary>
/// The common scenario as the API server would hold it: GatewayClass <c>slotgate</c>, Gateway <c>redis-waypoint</c>
/// in <c>default</c> with a TCP listener on 7000 open to all namespaces, the front Service <c>default/redis</c>
/// labelled for the waypoint, the Redis Cluster Service <c>external-redis/redis:7000</c>, a TCPRoute in
/// <c>default</c> pointing at it, and the ReferenceGrant in <c>external-redis</c> that allows that.
/// </summary>
internal static class Scenario
{
    public static readonly ObjectKey GatewayKey = new("default", "redis-waypoint");

    public static GatewayClassInput Class(ParametersRefInput? parameters = null, string controller = "slotgate.io/gateway-controller") =>
        new("slotgate", controller, 1, parameters);

    public static GatewayInput Gateway(params ListenerInput[] listeners) =>
        new(GatewayKey, "7d1c6a0e-1111-4c3b-9d5e-000000000001", 3, "slotgate",
            listeners.Length > 0 ? listeners : [Listener()]);

    public static ListenerInput Listener(string name = "redis", int port = 7000, string protocol = "TCP", string from = "All",
        IReadOnlyDictionary<string, string>? selector = null) => new(name, port, protocol, from, selector);

    public static TcpRouteInput Route(string ns = "default", string name = "redis", string? backendNamespace = "external-redis",
        string backendName = "redis", int? port = 7000, ParentRefInput? parent = null) =>
        new(new ObjectKey(ns, name), 2,
            [parent ?? new ParentRefInput("gateway.networking.k8s.io", "Gateway", ns == "default" ? null : "default", "redis-waypoint", null, null)],
            [new BackendRefInput("", "Service", backendNamespace, backendName, port)]);

    public static ReferenceGrantInput GrantFrom(string routeNamespace) =>
        new("external-redis", [new GrantFrom("gateway.networking.k8s.io", "TCPRoute", routeNamespace)], [new GrantTo("", "Service", null)]);

    public static ClusterSnapshot Snapshot(int readyReplicas = 1) => new()
    {
        Classes = [Class()],
        Gateways = [Gateway()],
        Routes = [Route()],
        ReferenceGrants = [GrantFrom("default")],
        Services =
        [
            new ServiceInput(new ObjectKey("external-redis", "redis"), [7000]),
            new ServiceInput(new ObjectKey("default", "redis"), [7000], GatewayKey),
        ],
        ReadyReplicas = new Dictionary<ObjectKey, int> { [GatewayKey] = readyReplicas },
    };

    /// <summary>A GatewayClass parametersRef to the ConfigMap <c>slotgate-system/slotgate-params</c>.</summary>
    public static readonly ParametersRefInput ParametersRef = new("", "ConfigMap", "slotgate-params", "slotgate-system");

    /// <summary>The scenario with its class pointing at <see cref="ParametersRef"/>, which holds <paramref name="data"/>.</summary>
    public static ClusterSnapshot WithParameters(Dictionary<string, string> data) => Snapshot() with
    {
        Classes = [Class(ParametersRef)],
        ParameterConfigMaps = new Dictionary<ObjectKey, IReadOnlyDictionary<string, string>>
        {
            [new ObjectKey("slotgate-system", "slotgate-params")] = data,
        },
    };

    /// <summary>The one condition of <paramref name="type"/> in a status.</summary>
    public static Condition ConditionOf(IReadOnlyList<Condition> conditions, string type) => Assert.Single(conditions, c => c.Type == type);
}
