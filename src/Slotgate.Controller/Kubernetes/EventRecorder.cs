using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// Writes core/v1 Events about the objects an operator must act on (invalid parameters, failed applies) or wants to
/// see happen (a Gateway programmed). The reconciler records one only when a condition changes, so a failure retried
/// with back-off does not flood the namespace. An Event that cannot be written is logged and otherwise ignored.
/// </summary>
internal sealed partial class EventRecorder(IKubernetes client, string instance, ILogger logger)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    public async Task RecordAsync(V1ObjectReference involved, string type, string reason, string message, CancellationToken cancellationToken)
    {
        DateTime now = DateTime.UtcNow;
        string ns = involved.NamespaceProperty is { Length: > 0 } n ? n : "default";
        var body = new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                Name = $"{involved.Name}.{now.Ticks.ToString("x", CultureInfo.InvariantCulture)}",
                NamespaceProperty = ns,
            },
            InvolvedObject = involved,
            Type = type,
            Reason = reason,
            Message = message.Length <= 1024 ? message : message[..1020] + " ...",
            Source = new V1EventSource { Component = "slotgate-controller" },
            ReportingComponent = GatewayApi.ControllerName,
            ReportingInstance = instance,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(body, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            Log.EventFailed(logger, reason, involved.Kind, involved.Name, (int)e.Response.StatusCode);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Warning, "could not record Event {Reason} for {Kind} {Name}: HTTP {Status}")]
        public static partial void EventFailed(ILogger logger, string reason, string kind, string name, int status);
    }
}
