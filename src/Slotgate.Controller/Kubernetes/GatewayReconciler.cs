using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;
using Slotgate.Controller.Runtime;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// Carries out one work item against the API server: runs the pure <see cref="Reconciler"/> on the cached state,
/// applies the Gateway's objects (server-side apply), and writes the statuses that changed — the GatewayClass's, the
/// Gateway's (with the API server's own message when an apply fails) and the Gateway's entries in its routes'
/// <c>status.parents</c> — recording Events when a condition an operator acts on changes.
/// </summary>
internal sealed partial class GatewayReconciler(IKubernetes client, ControllerOptions options, EventRecorder events, ILogger logger)
{
    private const string Group = GatewayApi.Group;
    private readonly Reconciler _reconciler = new();
    private readonly ObjectApplier _applier = new(client, options.FieldManager);

    /// <summary>The installed Gateway API release, read once the caches are synced (null: unknown).</summary>
    public string? BundleVersion { get; set; }

    public void ForgetApplied() => _applier.Forget();

    public bool Applied(string kind, ObjectKey gateway) => _applier.Applied(kind, gateway);

    public async Task ReconcileClassAsync(ApiObject gatewayClass, ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (_reconciler.ReconcileClass(gatewayClass.Name, snapshot) is not { } result)
        {
            return;
        }
        JsonObject patch = StatusJson.GatewayClass(result, gatewayClass.Json, DateTimeOffset.UtcNow);
        if (StatusJson.IsCurrent(gatewayClass.Json, patch))
        {
            return;
        }
        await client.CustomObjects.PatchClusterCustomObjectStatusAsync(
            new V1Patch(patch, V1Patch.PatchType.MergePatch), Group, "v1", "gatewayclasses", gatewayClass.Name,
            fieldManager: options.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        Log.StatusWritten(logger, "GatewayClass", gatewayClass.Name, result.Accepted.Reason);
        if (!result.Accepted.Status && Changed(GatewayApiJson.Child(gatewayClass.Json, "status"), result.Accepted))
        {
            await events.RecordAsync(Reference(gatewayClass, "GatewayClass", "v1"), EventRecorder.Warning, result.Accepted.Reason,
                result.Accepted.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task ReconcileGatewayAsync(
        ObjectKey key, ApiObject? gateway, ClusterSnapshot snapshot, IReadOnlyList<ApiObject> routes,
        V1Deployment? deployment, V1Service? service, CancellationToken cancellationToken)
    {
        GatewayPlan? plan = gateway is null ? null : _reconciler.ReconcileGateway(key, snapshot);
        if (plan is null)
        {
            // Gone, or no longer of a class Slotgate claims: its objects go with it (owner references); what is
            // left is Slotgate's entries for it in routes' status.
            await WriteRouteParentsAsync(key, [], routes, cancellationToken).ConfigureAwait(false);
            return;
        }
        GatewayStatusResult status = plan.Status;
        HttpOperationException? applyError = null;
        try
        {
            if (!plan.KeepObjects)
            {
                await EnsureInboundBindingAsync(gateway!, plan.InboundBindingAnnotation, cancellationToken).ConfigureAwait(false);
                await _applier.ApplyAsync(plan, deployment, service, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ApplyException e)
        {
            applyError = e.Error;
            long generation = GatewayApiJson.Gateway(gateway!.Json).Generation;
            status = Reconciler.ApplyFailed(plan, generation, e.Message);
        }
        await WriteGatewayStatusAsync(gateway!, status, cancellationToken).ConfigureAwait(false);
        await WriteRouteParentsAsync(key, plan.RouteParents, routes, cancellationToken).ConfigureAwait(false);
        if (applyError is not null)
        {
            throw new ReconcileException($"applying the objects of Gateway {key} failed", applyError);
        }
    }

    private async Task WriteGatewayStatusAsync(ApiObject gateway, GatewayStatusResult status, CancellationToken cancellationToken)
    {
        JsonObject patch = StatusJson.Gateway(status, gateway.Json, DateTimeOffset.UtcNow);
        if (StatusJson.IsCurrent(gateway.Json, patch))
        {
            return;
        }
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(patch, V1Patch.PatchType.MergePatch), Group, "v1", gateway.Namespace, "gateways", gateway.Name,
            fieldManager: options.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        Condition programmed = status.Conditions.Single(c => c.Type == GatewayApi.Conditions.Programmed);
        Log.StatusWritten(logger, "Gateway", gateway.Key, programmed.Reason);
        JsonElement old = GatewayApiJson.Child(gateway.Json, "status");
        if (Changed(old, programmed))
        {
            if (programmed.Status)
            {
                await events.RecordAsync(Reference(gateway, "Gateway", "v1"), EventRecorder.Normal, programmed.Reason, programmed.Message, cancellationToken)
                    .ConfigureAwait(false);
            }
            else if (programmed.Reason == GatewayApi.Reasons.Invalid)
            {
                await events.RecordAsync(Reference(gateway, "Gateway", "v1"), EventRecorder.Warning, "ApplyFailed", programmed.Message, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        Condition accepted = status.Conditions.Single(c => c.Type == GatewayApi.Conditions.Accepted);
        if (!accepted.Status && Changed(old, accepted))
        {
            await events.RecordAsync(Reference(gateway, "Gateway", "v1"), EventRecorder.Warning, accepted.Reason, accepted.Message, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes Slotgate's entries toward <paramref name="gateway"/> into every route that has or should have one,
    /// leaving other entries alone. A replace of the status subresource carries the cached resourceVersion, so a route
    /// changed meanwhile answers 409 and the key is retried on fresh data instead of overwriting it.
    /// </summary>
    private async Task WriteRouteParentsAsync(
        ObjectKey gateway, IReadOnlyList<RouteParentResult> parents, IReadOnlyList<ApiObject> routes, CancellationToken cancellationToken)
    {
        foreach (ApiObject route in routes)
        {
            ObjectKey routeKey = GatewayApiJson.Key(route.Json);
            var ours = parents.Where(p => p.Route == routeKey).ToList();
            if (ours.Count == 0 && !StatusJson.HasParent(route.Json, gateway, GatewayApi.ControllerName))
            {
                continue;
            }
            JsonArray updated = StatusJson.RouteParents(route.Json, gateway, ours, GatewayApi.ControllerName, DateTimeOffset.UtcNow);
            if (JsonNode.DeepEquals(updated, StatusJson.CurrentParents(route.Json)))
            {
                continue;
            }
            var body = JsonNode.Parse(route.Json.GetRawText())!.AsObject();
            body["status"] = new JsonObject { ["parents"] = updated };
            await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(
                body, Group, "v1alpha2", routeKey.Namespace, "tcproutes", routeKey.Name,
                fieldManager: options.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
            Log.StatusWritten(logger, "TCPRoute", routeKey.ToString(), ours.Count == 0 ? "detached from " + gateway : "parent " + gateway);
        }
    }

    /// <summary>
    /// The <c>ambient.istio.io/waypoint-inbound-binding</c> annotation, by server-side apply of that one field: set
    /// when the class asks for the PROXY binding, given up (and so removed) when it no longer does. Annotations of
    /// other managers are never touched.
    /// </summary>
    private async Task EnsureInboundBindingAsync(ApiObject gateway, string? desired, CancellationToken cancellationToken)
    {
        JsonElement metadata = GatewayApiJson.Child(gateway.Json, "metadata");
        string? current = GatewayApiJson.Text(GatewayApiJson.Child(metadata, "annotations"), GatewayApi.InboundBindingAnnotation);
        bool owned = OwnsAnnotation(metadata, options.FieldManager, GatewayApi.InboundBindingAnnotation);
        if (desired == current && (desired is null || owned))
        {
            return;
        }
        if (desired is null && !owned)
        {
            return;
        }
        var body = new JsonObject
        {
            ["apiVersion"] = Group + "/v1",
            ["kind"] = GatewayApi.GatewayKind,
            ["metadata"] = new JsonObject { ["name"] = gateway.Name, ["namespace"] = gateway.Namespace },
        };
        if (desired is not null)
        {
            body["metadata"]!["annotations"] = new JsonObject { [GatewayApi.InboundBindingAnnotation] = desired };
        }
        try
        {
            await client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch(body, V1Patch.PatchType.ApplyPatch), Group, "v1", gateway.Namespace, "gateways", gateway.Name,
                fieldManager: options.FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw new ApplyException($"applying annotation {GatewayApi.InboundBindingAnnotation} to Gateway {gateway.Key} failed: {Describe(e)}", e);
        }
    }

    private static bool OwnsAnnotation(JsonElement metadata, string manager, string annotation)
    {
        foreach (JsonElement entry in GatewayApiJson.Array(metadata, "managedFields"))
        {
            if (GatewayApiJson.Text(entry, "manager") == manager
                && GatewayApiJson.Child(GatewayApiJson.Child(GatewayApiJson.Child(GatewayApiJson.Child(entry, "fieldsV1"), "f:metadata"), "f:annotations"), "f:" + annotation)
                    .ValueKind != JsonValueKind.Undefined)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the condition differs (status, reason or message) from the one of its type in the current status.</summary>
    private static bool Changed(JsonElement status, Condition condition) =>
        StatusJson.FindCondition(status, condition.Type) is not { } old
        || old.Status != (condition.Status ? "True" : "False") || old.Reason != condition.Reason || old.Message != condition.Message;

    private static V1ObjectReference Reference(ApiObject item, string kind, string version) => new()
    {
        ApiVersion = Group + "/" + version,
        Kind = kind,
        Name = item.Name,
        NamespaceProperty = item.Namespace,
        Uid = GatewayApiJson.Text(GatewayApiJson.Child(item.Json, "metadata"), "uid"),
        ResourceVersion = item.ResourceVersion,
    };

    /// <summary>The API server's own message for a failed call (its Status body), else the HTTP status.</summary>
    public static string Describe(Exception e)
    {
        HttpOperationException? http = e as HttpOperationException ?? e.InnerException as HttpOperationException;
        if (http?.Response is { } response)
        {
            try
            {
                V1Status? status = KubernetesJson.Deserialize<V1Status>(response.Content);
                if (status?.Message is { Length: > 0 } message)
                {
                    return $"{(int)response.StatusCode} {status.Reason}: {message}";
                }
            }
            catch (JsonException)
            {
            }
            return $"{(int)response.StatusCode} {response.ReasonPhrase} {response.Content}".TrimEnd();
        }
        return e.InnerException is { } inner && e is ReconcileException ? e.Message + ": " + Describe(inner) : e.Message;
    }

    private static partial class Log
    {
        [LoggerMessage(210, LogLevel.Information, "{Kind} {Name}: status written ({Summary})")]
        public static partial void StatusWritten(ILogger logger, string kind, string name, string summary);
    }
}
