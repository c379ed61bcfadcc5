using k8s.Models;
using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;
using Slotgate.Controller.Runtime;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// From a change of any watched object to the keys of what it may affect. The work queue folds repeats, so a handler
/// errs on the side of enqueueing: a Gateway reconciled for nothing writes nothing.
/// </summary>
internal sealed partial class GatewayController
{
    private void EnqueueAll()
    {
        foreach (ApiObject gatewayClass in _classes.Items)
        {
            _queue.Add(ClassPrefix + gatewayClass.Name);
        }
        foreach (ApiObject gateway in _gateways.Items)
        {
            _queue.Add(GatewayPrefix + gateway.Key);
        }
    }

    private void EnqueueGateway(ObjectKey gateway) => _queue.Add(GatewayPrefix + gateway);

    /// <summary>A class change: its status, its parameters' namespace watched, and every Gateway of the class.</summary>
    private void OnClass(ApiObject? old, ApiObject? current)
    {
        foreach (ApiObject gatewayClass in new[] { old, current }.OfType<ApiObject>())
        {
            _queue.Add(ClassPrefix + gatewayClass.Name);
            GatewayClassInput input = GatewayApiJson.GatewayClass(gatewayClass.Json);
            if (current is not null && input.ControllerName == GatewayApi.ControllerName
                && input.ParametersRef is { Kind: "ConfigMap", Namespace: { Length: > 0 } ns })
            {
                WatchParameters(ns);
            }
            EnqueueGatewaysOfClass(gatewayClass.Name);
        }
    }

    private void EnqueueGatewaysOfClass(string className)
    {
        foreach (ApiObject gateway in _gateways.Items)
        {
            if (GatewayApiJson.Text(GatewayApiJson.Child(gateway.Json, "spec"), "gatewayClassName") == className)
            {
                _queue.Add(GatewayPrefix + gateway.Key);
            }
        }
    }

    private void OnGateway(ApiObject? old, ApiObject? current) => _queue.Add(GatewayPrefix + (current ?? old)!.Key);

    /// <summary>A route change: the Gateways it names now, named before, and holds Slotgate status entries for.</summary>
    private void OnRoute(ApiObject? old, ApiObject? current)
    {
        foreach (ApiObject route in new[] { old, current }.OfType<ApiObject>())
        {
            foreach (ObjectKey gateway in ParentGateways(route))
            {
                EnqueueGateway(gateway);
            }
        }
    }

    private static IEnumerable<ObjectKey> ParentGateways(ApiObject route)
    {
        TcpRouteInput input = GatewayApiJson.TcpRoute(route.Json);
        foreach (ParentRefInput parent in input.ParentRefs)
        {
            if ((parent.Group ?? GatewayApi.Group) == GatewayApi.Group && (parent.Kind ?? GatewayApi.GatewayKind) == GatewayApi.GatewayKind)
            {
                yield return new ObjectKey(parent.Namespace ?? input.Key.Namespace, parent.Name);
            }
        }
        foreach (ObjectKey gateway in StatusJson.ParentsOf(route.Json, GatewayApi.ControllerName))
        {
            yield return gateway;
        }
    }

    /// <summary>The Gateways of every route with a backend in <paramref name="ns"/> (named <paramref name="name"/>, or any).</summary>
    private void EnqueueGatewaysOfBackend(string ns, string? name)
    {
        foreach (ApiObject route in _routes.Items)
        {
            TcpRouteInput input = GatewayApiJson.TcpRoute(route.Json);
            if (input.BackendRefs.Any(b => (b.Namespace ?? input.Key.Namespace) == ns && (name is null || b.Name == name)))
            {
                foreach (ObjectKey gateway in ParentGateways(route))
                {
                    EnqueueGateway(gateway);
                }
            }
        }
    }

    private void OnGrant(ApiObject? old, ApiObject? current) => EnqueueGatewaysOfBackend((current ?? old)!.Namespace ?? "", null);

    private void OnService(V1Service? old, V1Service? current)
    {
        V1Service service = (current ?? old)!;
        EnqueueGatewaysOfBackend(service.Metadata.NamespaceProperty, service.Metadata.Name);
        // The Gateway's own Service (named after it): re-applied if someone deletes or edits it.
        if (service.Metadata.Labels?.TryGetValue("app.kubernetes.io/managed-by", out string? manager) == true && manager == "slotgate-controller")
        {
            EnqueueGateway(new ObjectKey(service.Metadata.NamespaceProperty, service.Metadata.Name));
        }
        // A front Service labelled for a waypoint may now be (or no longer be) behind this Gateway.
        foreach (V1Service s in new[] { old, current }.OfType<V1Service>())
        {
            if (s.Metadata.Labels?.TryGetValue("istio.io/use-waypoint", out string? waypoint) == true)
            {
                string ns = s.Metadata.Labels.TryGetValue("istio.io/use-waypoint-namespace", out string? wns) ? wns : s.Metadata.NamespaceProperty;
                EnqueueGateway(new ObjectKey(ns, waypoint));
            }
        }
    }

    /// <summary>Namespace labels matter to listeners that select route namespaces.</summary>
    private void OnNamespace(V1Namespace? old, V1Namespace? current)
    {
        if (old is not null && current is not null
            && (old.Metadata.Labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal)
                .SequenceEqual((current.Metadata.Labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal)))
        {
            return;
        }
        foreach (ApiObject gateway in _gateways.Items)
        {
            if (GatewayApiJson.Gateway(gateway.Json).Listeners.Any(l => l.AllowedFrom == "Selector"))
            {
                _queue.Add(GatewayPrefix + gateway.Key);
            }
        }
    }

    private void OnDeployment(V1Deployment? old, V1Deployment? current)
    {
        V1Deployment deployment = (current ?? old)!;
        EnqueueGateway(new ObjectKey(deployment.Metadata.NamespaceProperty, deployment.Metadata.Name));
    }

    /// <summary>A parameters ConfigMap: the classes that take parameters from it, and their Gateways.</summary>
    private void OnConfigMap(V1ConfigMap? old, V1ConfigMap? current)
    {
        V1ConfigMap map = (current ?? old)!;
        foreach (ApiObject gatewayClass in _classes.Items)
        {
            if (GatewayApiJson.GatewayClass(gatewayClass.Json).ParametersRef is { Kind: "ConfigMap" } reference
                && reference.Namespace == map.Metadata.NamespaceProperty && reference.Name == map.Metadata.Name)
            {
                _queue.Add(ClassPrefix + gatewayClass.Name);
                EnqueueGatewaysOfClass(gatewayClass.Name);
            }
        }
    }
}
