using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>Valid objects of each kind the tests validate, to be changed one field at a time.</summary>
internal static class Objects
{
    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static JsonObject Deployment() => Parse("""
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "metadata": { "name": "redis-waypoint", "namespace": "default", "labels": { "app.kubernetes.io/name": "slotgate" } },
          "spec": {
            "replicas": 2,
            "selector": { "matchLabels": { "app.kubernetes.io/name": "slotgate" } },
            "template": {
              "metadata": { "labels": { "app.kubernetes.io/name": "slotgate" }, "annotations": { "slotgate.io/config-hash": "0123456789abcdef" } },
              "spec": {
                "terminationGracePeriodSeconds": 45,
                "containers": [
                  {
                    "name": "slotgate",
                    "image": "ghcr.io/example/slotgate:1.0.0",
                    "imagePullPolicy": "IfNotPresent",
                    "env": [ { "name": "SLOTGATE_SHUTDOWN__DRAINDELAY", "value": "5s" } ],
                    "ports": [ { "name": "redis", "containerPort": 7000, "protocol": "TCP" } ],
                    "readinessProbe": { "httpGet": { "path": "/readyz", "port": "admin" }, "periodSeconds": 2 },
                    "resources": { "requests": { "cpu": "100m", "memory": "64Mi" }, "limits": { "memory": 134217728 } },
                    "lifecycle": null
                  }
                ]
              }
            }
          }
        }
        """);

    public static JsonObject GatewayClass() => Parse("""
        {
          "apiVersion": "gateway.networking.k8s.io/v1",
          "kind": "GatewayClass",
          "metadata": { "name": "slotgate" },
          "spec": {
            "controllerName": "slotgate.io/gateway-controller",
            "parametersRef": { "group": "", "kind": "ConfigMap", "name": "slotgate-parameters", "namespace": "slotgate-system" }
          }
        }
        """);

    public static JsonObject Gateway() => Parse("""
        {
          "apiVersion": "gateway.networking.k8s.io/v1",
          "kind": "Gateway",
          "metadata": { "name": "redis-waypoint", "namespace": "default" },
          "spec": {
            "gatewayClassName": "slotgate",
            "listeners": [
              { "name": "redis", "port": 7000, "protocol": "TCP" },
              { "name": "mesh", "port": 15008, "protocol": "HBONE" }
            ]
          }
        }
        """);

    public static JsonObject TcpRoute() => Parse("""
        {
          "apiVersion": "gateway.networking.k8s.io/v1alpha2",
          "kind": "TCPRoute",
          "metadata": { "name": "redis", "namespace": "default" },
          "spec": {
            "parentRefs": [ { "name": "redis-waypoint" } ],
            "rules": [ { "backendRefs": [ { "name": "redis-cluster", "namespace": "external-redis", "port": 6379 } ] } ]
          }
        }
        """);

    public static JsonObject ReferenceGrant() => Parse("""
        {
          "apiVersion": "gateway.networking.k8s.io/v1beta1",
          "kind": "ReferenceGrant",
          "metadata": { "name": "allow-default-routes", "namespace": "external-redis" },
          "spec": {
            "from": [ { "group": "gateway.networking.k8s.io", "kind": "TCPRoute", "namespace": "default" } ],
            "to": [ { "group": "", "kind": "Service" } ]
          }
        }
        """);
}
