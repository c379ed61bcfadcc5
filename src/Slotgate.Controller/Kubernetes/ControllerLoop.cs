using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// The thin part that talks to the API server: every <c>interval</c> it lists what the reconciler needs, runs
/// <see cref="Reconciler"/> and applies the result (server-side apply for the owned objects, JSON merge patches of
/// the status subresources). Polling rather than watches keeps it short and restart-safe; a pass is a handful of list
/// calls. All logic worth testing is in <see cref="Reconciler"/>, <see cref="GatewayApiJson"/> and <see cref="StatusJson"/>.
/// </summary>
internal sealed class ControllerLoop(IKubernetes client, TimeSpan interval, TextWriter log)
{
    private const string FieldManager = "slotgate-controller";
    private const string Group = GatewayApi.Group;
    private readonly Reconciler _reconciler = new();

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or JsonException or KeyNotFoundException)
            {
                await log.WriteLineAsync($"slotgate-controller: reconcile pass failed: {Describe(e)}").ConfigureAwait(false);
            }
            await Task.Delay(interval, stopping).ConfigureAwait(false);
        }
    }

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        JsonElement classes = await ListClusterAsync("v1", "gatewayclasses", cancellationToken).ConfigureAwait(false);
        JsonElement gateways = await ListClusterAsync("v1", "gateways", cancellationToken).ConfigureAwait(false);
        JsonElement routes = await ListClusterAsync("v1alpha2", "tcproutes", cancellationToken).ConfigureAwait(false);
        JsonElement grants = await ListClusterAsync("v1beta1", "referencegrants", cancellationToken).ConfigureAwait(false);
        ClusterSnapshot snapshot = await SnapshotAsync(classes, gateways, routes, grants, cancellationToken).ConfigureAwait(false);

        ReconcilePlan plan = _reconciler.Reconcile(snapshot);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        foreach (GatewayClassResult result in plan.Classes)
        {
            JsonElement existing = GatewayApiJson.Items(classes).First(c => GatewayApiJson.Key(c).Name == result.Name);
            await client.CustomObjects.PatchClusterCustomObjectStatusAsync(
                new V1Patch(StatusJson.GatewayClass(result, existing, now), V1Patch.PatchType.MergePatch),
                Group, "v1", "gatewayclasses", result.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        foreach (GatewayPlan gateway in plan.Gateways)
        {
            await ApplyAsync(gateway, cancellationToken).ConfigureAwait(false);
            JsonElement existing = GatewayApiJson.Items(gateways).First(g => GatewayApiJson.Key(g) == gateway.Gateway);
            await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                new V1Patch(StatusJson.Gateway(gateway.Status, existing, now), V1Patch.PatchType.MergePatch),
                Group, "v1", gateway.Gateway.Namespace, "gateways", gateway.Gateway.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        foreach (IGrouping<ObjectKey, RouteParentResult> route in plan.RouteParents.GroupBy(p => p.Route))
        {
            JsonElement existing = GatewayApiJson.Items(routes).First(r => GatewayApiJson.Key(r) == route.Key);
            await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                new V1Patch(StatusJson.Route(route, existing, GatewayApi.ControllerName, now), V1Patch.PatchType.MergePatch),
                Group, "v1alpha2", route.Key.Namespace, "tcproutes", route.Key.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ClusterSnapshot> SnapshotAsync(
        JsonElement classes, JsonElement gateways, JsonElement routes, JsonElement grants, CancellationToken cancellationToken)
    {
        var classInputs = GatewayApiJson.Items(classes).Select(GatewayApiJson.GatewayClass).ToList();
        var parameterMaps = new Dictionary<ObjectKey, IReadOnlyDictionary<string, string>>();
        foreach (ParametersRefInput reference in classInputs.Where(c => c.ControllerName == GatewayApi.ControllerName)
                     .Select(c => c.ParametersRef).OfType<ParametersRefInput>().Where(r => r.Kind == "ConfigMap" && r.Namespace is not null))
        {
            try
            {
                V1ConfigMap map = await client.CoreV1.ReadNamespacedConfigMapAsync(reference.Name, reference.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                parameterMaps[new ObjectKey(reference.Namespace!, reference.Name)] = map.Data is null ? new Dictionary<string, string>() : new Dictionary<string, string>(map.Data);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Reported on the GatewayClass as InvalidParameters.
            }
        }

        V1ServiceList services = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        V1NamespaceList namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        V1DeploymentList deployments = await client.AppsV1.ListDeploymentForAllNamespacesAsync(
            labelSelector: "app.kubernetes.io/managed-by=slotgate-controller", cancellationToken: cancellationToken).ConfigureAwait(false);

        return new ClusterSnapshot
        {
            Classes = classInputs,
            Gateways = GatewayApiJson.Items(gateways).Select(GatewayApiJson.Gateway).ToList(),
            Routes = GatewayApiJson.Items(routes).Select(GatewayApiJson.TcpRoute).ToList(),
            ReferenceGrants = GatewayApiJson.Items(grants).Select(GatewayApiJson.ReferenceGrant).ToList(),
            Services = services.Items.Select(ServiceInputOf).ToList(),
            NamespaceLabels = namespaces.Items.ToDictionary(
                n => n.Metadata.Name,
                n => (IReadOnlyDictionary<string, string>)(n.Metadata.Labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(n.Metadata.Labels))),
            ParameterConfigMaps = parameterMaps,
            // The Deployment is named after its Gateway, in the Gateway's namespace.
            ReadyReplicas = deployments.Items.ToDictionary(
                d => new ObjectKey(d.Metadata.NamespaceProperty, d.Metadata.Name), d => d.Status?.ReadyReplicas ?? 0),
        };
    }

    private async Task ApplyAsync(GatewayPlan plan, CancellationToken cancellationToken)
    {
        string ns = plan.Gateway.Namespace;
        string name = plan.Gateway.Name;
        await client.CoreV1.PatchNamespacedServiceAccountAsync(Apply(plan.ServiceAccount), name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        await client.CoreV1.PatchNamespacedConfigMapAsync(Apply(plan.ConfigMap), name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        await client.CoreV1.PatchNamespacedServiceAsync(Apply(plan.Service), name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        await client.AppsV1.PatchNamespacedDeploymentAsync(Apply(plan.Deployment), name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static V1Patch Apply(object body) => new(body, V1Patch.PatchType.ApplyPatch);

    private async Task<JsonElement> ListClusterAsync(string version, string plural, CancellationToken cancellationToken)
    {
        object list = await client.CustomObjects.ListClusterCustomObjectAsync(Group, version, plural, cancellationToken: cancellationToken).ConfigureAwait(false);
        return list is JsonElement element ? element : JsonSerializer.SerializeToElement(list);
    }

    private static ServiceInput ServiceInputOf(V1Service service)
    {
        IDictionary<string, string> labels = service.Metadata.Labels ?? new Dictionary<string, string>();
        ObjectKey? waypoint = labels.TryGetValue("istio.io/use-waypoint", out string? name) && name != "none"
            ? new ObjectKey(labels.TryGetValue("istio.io/use-waypoint-namespace", out string? wns) ? wns : service.Metadata.NamespaceProperty, name)
            : null;
        return new ServiceInput(
            new ObjectKey(service.Metadata.NamespaceProperty, service.Metadata.Name),
            service.Spec?.Ports?.Select(p => p.Port).ToList() ?? [],
            waypoint);
    }

    private static string Describe(Exception e) =>
        e is HttpOperationException http ? $"{http.Response.StatusCode} {http.Response.Content}" : e.Message;
}
