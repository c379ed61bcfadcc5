using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// The defaults the API server fills in for the built-in kinds Slotgate writes (Services, Deployments and their pod
/// templates), so objects read back look as they do on a cluster. Only fields that are absent are set; a field the
/// writer sets is never changed.
/// </summary>
internal static class BuiltInDefaults
{
    public static void Apply(ResourceType type, JsonObject obj)
    {
        switch (type)
        {
            case { Group: "", Plural: "services" }:
                Service(obj["spec"] as JsonObject);
                break;
            case { Group: "apps", Plural: "deployments" }:
                Deployment(obj["spec"] as JsonObject);
                break;
            case { Group: "", Plural: "pods" }:
                PodSpec(obj["spec"] as JsonObject);
                break;
        }
    }

    private static void Service(JsonObject? spec)
    {
        if (spec is null)
        {
            return;
        }
        spec["type"] ??= "ClusterIP";
        if ((string?)spec["type"] == "ExternalName")
        {
            return;
        }
        spec["sessionAffinity"] ??= "None";
        spec["internalTrafficPolicy"] ??= "Cluster";
        foreach (JsonObject port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["protocol"] ??= "TCP";
            port["targetPort"] ??= port["port"]?.DeepClone();
        }
    }

    private static void Deployment(JsonObject? spec)
    {
        if (spec is null)
        {
            return;
        }
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        if (spec["strategy"] is not JsonObject strategy)
        {
            strategy = [];
            spec["strategy"] = strategy;
        }
        strategy["type"] ??= "RollingUpdate";
        if ((string?)strategy["type"] == "RollingUpdate")
        {
            if (strategy["rollingUpdate"] is not JsonObject rolling)
            {
                rolling = [];
                strategy["rollingUpdate"] = rolling;
            }
            rolling["maxUnavailable"] ??= "25%";
            rolling["maxSurge"] ??= "25%";
        }
        PodSpec(spec["template"]?["spec"] as JsonObject);
    }

    private static void PodSpec(JsonObject? spec)
    {
        if (spec is null)
        {
            return;
        }
        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["schedulerName"] ??= "default-scheduler";
        spec["securityContext"] ??= new JsonObject();
        foreach (string list in new[] { "initContainers", "containers" })
        {
            foreach (JsonObject container in (spec[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                container["terminationMessagePath"] ??= "/dev/termination-log";
                container["terminationMessagePolicy"] ??= "File";
                string image = (string?)container["image"] ?? "";
                string tag = image.Contains('@', StringComparison.Ordinal) ? "digest"
                    : image.LastIndexOf(':') > image.LastIndexOf('/') ? image[(image.LastIndexOf(':') + 1)..] : "";
                container["imagePullPolicy"] ??= tag is "" or "latest" ? "Always" : "IfNotPresent";
                foreach (JsonObject port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    port["protocol"] ??= "TCP";
                }
            }
        }
    }
}
