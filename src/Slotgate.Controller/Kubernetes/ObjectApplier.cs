using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// Server-side apply of a Gateway's ServiceAccount, ConfigMap, Service and Deployment (field manager
/// <c>slotgate-controller</c>, forced: these objects are the controller's). An object is sent again only when what it
/// should be changed since the last successful apply, or the watched Deployment/Service is missing or differs where
/// it matters; the periodic resync forgets everything so drift is repaired at the latest then.
/// </summary>
internal sealed class ObjectApplier(IKubernetes client, string fieldManager)
{
    private readonly ConcurrentDictionary<string, string> _applied = new(StringComparer.Ordinal);

    public void Forget() => _applied.Clear();

    /// <summary>Whether this controller applied the Gateway's object of this kind (so a missing one was deleted by someone).</summary>
    public bool Applied(string kind, Slotgate.Controller.Model.ObjectKey gateway) => _applied.ContainsKey(kind + "/" + gateway);

    public async Task ApplyAsync(GatewayPlan plan, V1Deployment? deployment, V1Service? service, CancellationToken cancellationToken)
    {
        string ns = plan.Gateway.Namespace;
        string name = plan.Gateway.Name;
        await ApplyOneAsync("ServiceAccount", plan, plan.ServiceAccount, true,
            body => client.CoreV1.PatchNamespacedServiceAccountAsync(body, name, ns, fieldManager: fieldManager, force: true, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await ApplyOneAsync("ConfigMap", plan, plan.ConfigMap, true,
            body => client.CoreV1.PatchNamespacedConfigMapAsync(body, name, ns, fieldManager: fieldManager, force: true, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await ApplyOneAsync("Service", plan, plan.Service, service is not null && SamePorts(service, plan.Service),
            body => client.CoreV1.PatchNamespacedServiceAsync(body, name, ns, fieldManager: fieldManager, force: true, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await ApplyOneAsync("Deployment", plan, plan.Deployment, deployment is not null && SameTemplate(deployment, plan.Deployment),
            body => client.AppsV1.PatchNamespacedDeploymentAsync(body, name, ns, fieldManager: fieldManager, force: true, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private async Task ApplyOneAsync<T>(string kind, GatewayPlan plan, T desired, bool liveMatches, Func<V1Patch, Task> apply)
    {
        string key = kind + "/" + plan.Gateway;
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(desired))));
        if (liveMatches && _applied.TryGetValue(key, out string? last) && last == hash)
        {
            return;
        }
        try
        {
            await apply(new V1Patch(desired!, V1Patch.PatchType.ApplyPatch)).ConfigureAwait(false);
            _applied[key] = hash;
        }
        catch (HttpOperationException e)
        {
            _applied.TryRemove(key, out _);
            throw new ApplyException($"applying {kind} {plan.Gateway} failed: {GatewayReconciler.Describe(e)}", e);
        }
    }

    private static bool SameTemplate(V1Deployment live, V1Deployment desired) =>
        live.Spec?.Replicas == desired.Spec.Replicas
        && live.Spec?.Template?.Metadata?.Annotations is { } annotations
        && annotations.TryGetValue(GatewayApi.ConfigHashAnnotation, out string? hash)
        && hash == desired.Spec.Template.Metadata.Annotations[GatewayApi.ConfigHashAnnotation]
        && live.Spec?.Template?.Spec?.Containers?.FirstOrDefault()?.Image == desired.Spec.Template.Spec.Containers[0].Image;

    private static bool SamePorts(V1Service live, V1Service desired) =>
        (live.Spec?.Ports ?? []).Select(p => p.Port).Order().SequenceEqual(desired.Spec.Ports.Select(p => p.Port).Order());
}
