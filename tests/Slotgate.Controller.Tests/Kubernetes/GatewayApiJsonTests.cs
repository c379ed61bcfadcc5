using System.Text.Json;
using Slotgate.Controller.Kubernetes;
using Slotgate.Controller.Model;

namespace Slotgate.Controller.Tests.Kubernetes;

public sealed class GatewayApiJsonTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void Gateway_ListenerWithAllowedRoutes_ReadAsWritten()
    {
        var gateway = GatewayApiJson.Gateway(Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway",
             "metadata":{"name":"redis-waypoint","namespace":"default","uid":"u-1","generation":4},
             "spec":{"gatewayClassName":"slotgate","listeners":[
               {"name":"redis","port":7000,"protocol":"TCP","allowedRoutes":{"namespaces":{"from":"All"}}},
               {"name":"teams","port":7001,"protocol":"TCP","allowedRoutes":{"namespaces":{"from":"Selector","selector":{"matchLabels":{"redis":"yes"}}}}},
               {"name":"plain","port":7002,"protocol":"TCP"}]}}
            """));

        Assert.Equal(new ObjectKey("default", "redis-waypoint"), gateway.Key);
        Assert.Equal(("u-1", 4L, "slotgate"), (gateway.Uid, gateway.Generation, gateway.ClassName));
        Assert.Equal(["All", "Selector", "Same"], gateway.Listeners.Select(l => l.AllowedFrom));
        Assert.Equal("yes", gateway.Listeners[1].NamespaceSelector!["redis"]);
        Assert.Equal([7000, 7001, 7002], gateway.Listeners.Select(l => l.Port));
    }

    [Fact]
    public void Gateway_PublishedAddressesAndListenerHostname_Read()
    {
        var gateway = GatewayApiJson.Gateway(Parse("""
            {"metadata":{"name":"w","namespace":"default"},
             "spec":{"gatewayClassName":"slotgate","listeners":[{"name":"redis","port":7000,"protocol":"TLS","hostname":"redis.example"}]},
             "status":{"addresses":[{"type":"Hostname","value":"w.default.svc.cluster.local"}]}}
            """));

        Assert.Equal(["w.default.svc.cluster.local"], gateway.PublishedAddresses);
        Assert.Equal("redis.example", Assert.Single(gateway.Listeners).Hostname);
    }

    [Fact]
    public void GatewayClass_WithoutSpec_ReadAsEmptyNotAnException()
    {
        var gatewayClass = GatewayApiJson.GatewayClass(Parse("""{"metadata":{"name":"odd"}}"""));

        Assert.Equal(("odd", "", null), (gatewayClass.Name, gatewayClass.ControllerName, gatewayClass.ParametersRef));
    }

    [Fact]
    public void TcpRoute_RulesAndParents_FlattenedWithOmittedFieldsNull()
    {
        var route = GatewayApiJson.TcpRoute(Parse("""
            {"metadata":{"name":"redis","namespace":"default","generation":2},
             "spec":{"parentRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"redis-waypoint"}],
                     "rules":[{"backendRefs":[{"group":"","kind":"Service","name":"redis","namespace":"external-redis","port":7000,"weight":1}]},
                              {"backendRefs":[{"name":"redis-b","port":7000}]}]}}
            """));

        var parent = Assert.Single(route.ParentRefs);
        Assert.Equal(("redis-waypoint", null, null), (parent.Name, parent.Namespace, parent.SectionName));
        Assert.Equal(2, route.BackendRefs.Count);
        Assert.Equal(new BackendRefInput("", "Service", "external-redis", "redis", 7000), route.BackendRefs[0]);
        Assert.Equal(new BackendRefInput(null, null, null, "redis-b", 7000), route.BackendRefs[1]);
    }

    [Fact]
    public void GatewayClass_ParametersRef_Read()
    {
        var gatewayClass = GatewayApiJson.GatewayClass(Parse("""
            {"metadata":{"name":"slotgate","generation":1},
             "spec":{"controllerName":"slotgate.io/gateway-controller",
                     "parametersRef":{"group":"","kind":"ConfigMap","name":"params","namespace":"slotgate-system"}}}
            """));

        Assert.Equal("slotgate.io/gateway-controller", gatewayClass.ControllerName);
        Assert.Equal(new ParametersRefInput("", "ConfigMap", "params", "slotgate-system"), gatewayClass.ParametersRef);
    }

    [Fact]
    public void ReferenceGrant_FromAndTo_Read()
    {
        var grant = GatewayApiJson.ReferenceGrant(Parse("""
            {"metadata":{"name":"tcproutes-from-default","namespace":"external-redis"},
             "spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"TCPRoute","namespace":"default"}],
                     "to":[{"group":"","kind":"Service","name":"redis"}]}}
            """));

        Assert.Equal("external-redis", grant.Namespace);
        Assert.Equal(new GrantFrom("gateway.networking.k8s.io", "TCPRoute", "default"), Assert.Single(grant.From));
        Assert.Equal(new GrantTo("", "Service", "redis"), Assert.Single(grant.To));
    }
}
