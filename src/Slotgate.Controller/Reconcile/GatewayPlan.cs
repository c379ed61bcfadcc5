using k8s.Models;
using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>What one of Slotgate's Gateways should look like: the objects to apply and the status to write.</summary>
internal sealed record GatewayPlan(
    ObjectKey Gateway,
    IReadOnlyList<string> Seeds,
    V1ServiceAccount ServiceAccount,
    V1ConfigMap ConfigMap,
    V1Deployment Deployment,
    V1Service Service,
    GatewayStatusResult Status);
