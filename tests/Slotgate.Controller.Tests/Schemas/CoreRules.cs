using System.Text.Json;
using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// A subset of the API server's Go validation of core kinds, the part no OpenAPI schema carries and that objects like
/// Slotgate's can get wrong: workload selectors that must match their template's labels, pod specs (names, ports,
/// env, volume mounts, probe and lifecycle handlers, requests within limits, restart policy), Service ports, ConfigMap
/// keys, PodDisruptionBudget, HorizontalPodAutoscaler, RBAC rules and bindings, Leases and Events.
/// </summary>
internal static partial class CoreRules
{
    public static void Validate(string apiVersion, string kind, JsonObject obj, List<string> errors)
    {
        var spec = obj["spec"] as JsonObject;
        switch (kind)
        {
            case "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet" when apiVersion == "apps/v1" && spec is not null:
                Workload(kind, spec, errors);
                break;
            case "Job" when spec is not null:
                PodTemplate(spec["template"] as JsonObject, "spec.template", ["OnFailure", "Never"], errors);
                break;
            case "CronJob" when (spec?["jobTemplate"]?["spec"]) is JsonObject jobSpec:
                PodTemplate(jobSpec["template"] as JsonObject, "spec.jobTemplate.spec.template", ["OnFailure", "Never"], errors);
                break;
            case "Pod" when spec is not null:
                PodSpec(spec, "spec", null, errors);
                break;
            case "Service" when spec is not null:
                Service(spec, errors);
                break;
            case "ConfigMap" or "Secret":
                DataKeys(obj, kind, errors);
                break;
            case "PodDisruptionBudget" when spec is not null:
                PodDisruptionBudget(spec, errors);
                break;
            case "HorizontalPodAutoscaler" when spec is not null:
                HorizontalPodAutoscaler(spec, errors);
                break;
            case "Role" or "ClusterRole":
                PolicyRules(obj["rules"] as JsonArray, kind == "Role", errors);
                break;
            case "RoleBinding" or "ClusterRoleBinding":
                Binding(obj, kind, errors);
                break;
            case "Lease" when spec is not null:
                Lease(spec, errors);
                break;
            case "Event":
                Event(apiVersion, obj, errors);
                break;
        }
    }

    private static void Workload(string kind, JsonObject spec, List<string> errors)
    {
        if (Long(spec["replicas"]) is < 0)
        {
            errors.Add($"spec.replicas: Invalid value: {spec["replicas"]!.ToJsonString()}: must be greater than or equal to 0");
        }
        var selector = spec["selector"] as JsonObject;
        LabelSelector(selector, "spec.selector", errors);
        var template = spec["template"] as JsonObject;
        if (selector is not null && IsEmptySelector(selector) && kind != "StatefulSet")
        {
            errors.Add($"spec.selector: Invalid value: {selector.ToJsonString()}: empty selector is invalid for {kind.ToLowerInvariant()}");
        }
        else if (selector is not null && template?["metadata"]?["labels"] is var labels && !SelectorMatches(selector, labels as JsonObject))
        {
            errors.Add($"spec.template.metadata.labels: Invalid value: {labels?.ToJsonString() ?? "null"}: `selector` does not match template `labels`");
        }
        PodTemplate(template, "spec.template", ["Always"], errors);
        if (kind == "Deployment" && spec["strategy"] is JsonObject strategy)
        {
            DeploymentStrategy(strategy, errors);
        }
    }

    private static void DeploymentStrategy(JsonObject strategy, List<string> errors)
    {
        string type = Text(strategy["type"]) ?? "RollingUpdate";
        if (type == "Recreate" && strategy["rollingUpdate"] is not null)
        {
            errors.Add("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'");
        }
        if (strategy["rollingUpdate"] is JsonObject rolling)
        {
            decimal? surge = IntOrPercent(rolling["maxSurge"], "spec.strategy.rollingUpdate.maxSurge", errors);
            decimal? unavailable = IntOrPercent(rolling["maxUnavailable"], "spec.strategy.rollingUpdate.maxUnavailable", errors);
            if (surge == 0 && unavailable == 0)
            {
                errors.Add("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0");
            }
            if (unavailable > 100 && Text(rolling["maxUnavailable"])?.EndsWith('%') == true)
            {
                errors.Add("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: must not be greater than 100%");
            }
        }
    }

    private static void PodTemplate(JsonObject? template, string path, string[] restartPolicies, List<string> errors)
    {
        if (template is null)
        {
            return;
        }
        if (template["metadata"] is JsonObject metadata)
        {
            Labels(metadata["labels"] as JsonObject, $"{path}.metadata.labels", errors);
        }
        if (template["spec"] is JsonObject podSpec)
        {
            PodSpec(podSpec, $"{path}.spec", restartPolicies, errors);
        }
    }

    private static void Service(JsonObject spec, List<string> errors)
    {
        var ports = spec["ports"] as JsonArray ?? [];
        string type = Text(spec["type"]) ?? "ClusterIP";
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < ports.Count; i++)
        {
            string path = $"spec.ports[{i}]";
            JsonObject port = ports[i] as JsonObject ?? [];
            string? name = Text(port["name"]);
            if (ports.Count > 1 && string.IsNullOrEmpty(name))
            {
                errors.Add($"{path}.name: Required value");
            }
            else if (!string.IsNullOrEmpty(name))
            {
                if (ObjectMetaRules.Dns1123Label(name) is string problem)
                {
                    errors.Add($"{path}.name: Invalid value: {Quote(name)}: {problem}");
                }
                if (!names.Add(name))
                {
                    errors.Add($"{path}.name: Duplicate value: {Quote(name)}");
                }
            }
            PortNumber(port["port"], $"{path}.port", required: true, errors);
            if (port["targetPort"] is JsonNode target)
            {
                PortNumberOrName(target, $"{path}.targetPort", errors);
            }
            if (port["nodePort"] is JsonNode nodePort && Long(nodePort) is not 0 && type is not ("NodePort" or "LoadBalancer"))
            {
                errors.Add($"{path}.nodePort: Forbidden: may not be used when `type` is '{type}'");
            }
        }
        if (ports.Count == 0 && type != "ExternalName" && Text(spec["clusterIP"]) != "None")
        {
            errors.Add("spec.ports: Required value");
        }
        if (spec["selector"] is JsonObject selector)
        {
            Labels(selector, "spec.selector", errors);
        }
    }

    private static void DataKeys(JsonObject obj, string kind, List<string> errors)
    {
        long size = 0;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (string field in (string[])["data", "binaryData", "stringData"])
        {
            if (obj[field] is not JsonObject data)
            {
                continue;
            }
            foreach ((string key, JsonNode? value) in data)
            {
                if (key.Length > 253 || key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || key is "." or "..")
                {
                    errors.Add($"{field}[{key}]: Invalid value: {Quote(key)}: a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
                }
                if (kind == "ConfigMap" && !keys.Add(key))
                {
                    errors.Add($"data[{key}]: Invalid value: {Quote(key)}: duplicate of key present in binaryData");
                }
                size += (Text(value) ?? "").Length;
            }
        }
        if (size > 1024 * 1024)
        {
            errors.Add($"{(kind == "ConfigMap" ? "data" : "data")}: Too long: must have at most 1048576 bytes");
        }
    }

    private static void PodDisruptionBudget(JsonObject spec, List<string> errors)
    {
        if (spec["minAvailable"] is not null && spec["maxUnavailable"] is not null)
        {
            errors.Add("spec: Invalid value: \"object\": minAvailable and maxUnavailable cannot be both set");
        }
        IntOrPercent(spec["minAvailable"], "spec.minAvailable", errors);
        IntOrPercent(spec["maxUnavailable"], "spec.maxUnavailable", errors);
        LabelSelector(spec["selector"] as JsonObject, "spec.selector", errors);
    }

    private static void HorizontalPodAutoscaler(JsonObject spec, List<string> errors)
    {
        long? min = Long(spec["minReplicas"]);
        long? max = Long(spec["maxReplicas"]);
        if (min is < 1)
        {
            errors.Add($"spec.minReplicas: Invalid value: {min}: must be greater than or equal to 1");
        }
        if (max is < 1)
        {
            errors.Add($"spec.maxReplicas: Invalid value: {max}: must be greater than 0");
        }
        if (max is not null && max < (min ?? 1))
        {
            errors.Add($"spec.maxReplicas: Invalid value: {max}: must be greater than or equal to `minReplicas`");
        }
        if (spec["scaleTargetRef"] is JsonObject target)
        {
            foreach (string field in (string[])["kind", "name"])
            {
                if (string.IsNullOrEmpty(Text(target[field])))
                {
                    errors.Add($"spec.scaleTargetRef.{field}: Required value");
                }
            }
        }
    }

    private static void PolicyRules(JsonArray? rules, bool namespaced, List<string> errors)
    {
        for (int i = 0; i < (rules?.Count ?? 0); i++)
        {
            string path = $"rules[{i}]";
            JsonObject rule = rules![i] as JsonObject ?? [];
            bool hasResources = rule["resources"] is JsonArray { Count: > 0 };
            bool hasUrls = rule["nonResourceURLs"] is JsonArray { Count: > 0 };
            if (rule["verbs"] is not JsonArray { Count: > 0 })
            {
                errors.Add($"{path}.verbs: Required value: verbs must contain at least one value");
            }
            if (hasUrls && namespaced)
            {
                errors.Add($"{path}.nonResourceURLs: Invalid value: {rule["nonResourceURLs"]!.ToJsonString()}: namespaced rules cannot apply to non-resource URLs");
            }
            if (hasUrls && hasResources)
            {
                errors.Add($"{path}.nonResourceURLs: Invalid value: {rule["nonResourceURLs"]!.ToJsonString()}: rules cannot apply to both regular resources and non-resource URLs");
            }
            if (!hasUrls && !hasResources)
            {
                errors.Add($"{path}.resources: Required value: resource rules must supply at least one resource");
            }
            if (hasResources && rule["apiGroups"] is not JsonArray { Count: > 0 })
            {
                errors.Add($"{path}.apiGroups: Required value: resource rules must supply at least one api group");
            }
        }
    }

    private static void Binding(JsonObject obj, string kind, List<string> errors)
    {
        var roleRef = obj["roleRef"] as JsonObject ?? [];
        string? refKind = Text(roleRef["kind"]);
        if (kind == "ClusterRoleBinding" ? refKind != "ClusterRole" : refKind is not ("Role" or "ClusterRole"))
        {
            errors.Add($"roleRef.kind: Unsupported value: {Quote(refKind ?? "")}: supported values: {(kind == "ClusterRoleBinding" ? "\"ClusterRole\"" : "\"Role\", \"ClusterRole\"")}");
        }
        if (Text(roleRef["apiGroup"]) != "rbac.authorization.k8s.io")
        {
            errors.Add($"roleRef.apiGroup: Unsupported value: {Quote(Text(roleRef["apiGroup"]) ?? "")}: supported values: \"rbac.authorization.k8s.io\"");
        }
        var subjects = obj["subjects"] as JsonArray ?? [];
        for (int i = 0; i < subjects.Count; i++)
        {
            JsonObject subject = subjects[i] as JsonObject ?? [];
            string path = $"subjects[{i}]";
            switch (Text(subject["kind"]))
            {
                case "ServiceAccount":
                    if (!string.IsNullOrEmpty(Text(subject["apiGroup"])))
                    {
                        errors.Add($"{path}.apiGroup: Unsupported value: {Quote(Text(subject["apiGroup"])!)}: supported values: \"\"");
                    }
                    if (kind == "ClusterRoleBinding" && string.IsNullOrEmpty(Text(subject["namespace"])))
                    {
                        errors.Add($"{path}.namespace: Required value");
                    }
                    break;
                case "User" or "Group":
                    if (Text(subject["apiGroup"]) != "rbac.authorization.k8s.io")
                    {
                        errors.Add($"{path}.apiGroup: Unsupported value: {Quote(Text(subject["apiGroup"]) ?? "")}: supported values: \"rbac.authorization.k8s.io\"");
                    }
                    break;
                case var other:
                    errors.Add($"{path}.kind: Unsupported value: {Quote(other ?? "")}: supported values: \"ServiceAccount\", \"User\", \"Group\"");
                    break;
            }
        }
    }

    private static void Lease(JsonObject spec, List<string> errors)
    {
        if (Long(spec["leaseDurationSeconds"]) is <= 0)
        {
            errors.Add($"spec.leaseDurationSeconds: Invalid value: {spec["leaseDurationSeconds"]!.ToJsonString()}: must be greater than 0");
        }
        if (Long(spec["leaseTransitions"]) is < 0)
        {
            errors.Add($"spec.leaseTransitions: Invalid value: {spec["leaseTransitions"]!.ToJsonString()}: must be greater than or equal to 0");
        }
    }

    private static void Event(string apiVersion, JsonObject obj, List<string> errors)
    {
        string? type = Text(obj["type"]);
        if (type is not null and not ("Normal" or "Warning") || apiVersion == "events.k8s.io/v1" && type is null)
        {
            errors.Add($"type: Unsupported value: {Quote(type ?? "")}: supported values: \"Normal\", \"Warning\"");
        }
        // The event lives in its object's namespace; an event about a cluster-scoped object in "default" (or none).
        string reference = apiVersion == "events.k8s.io/v1" ? "regarding" : "involvedObject";
        string ns = Text(obj["metadata"]?["namespace"]) ?? "";
        string involved = Text(obj[reference]?["namespace"]) ?? "";
        if (involved.Length == 0 ? ns is not ("" or "default") : involved != ns)
        {
            errors.Add($"{reference}.namespace: Invalid value: {Quote(involved)}: does not match event.namespace");
        }
        if (apiVersion != "events.k8s.io/v1")
        {
            return;
        }
        foreach ((string field, int max) in (ReadOnlySpan<(string, int)>)[("reportingController", 253), ("reportingInstance", 128), ("action", 128), ("reason", 128)])
        {
            string? value = Text(obj[field]);
            if (string.IsNullOrEmpty(value))
            {
                errors.Add($"{field}: Required value");
            }
            else if (value.Length > max)
            {
                errors.Add($"{field}: Too long: may not be longer than {max}");
            }
        }
        if (obj["eventTime"] is null)
        {
            errors.Add("eventTime: Required value");
        }
        if ((Text(obj["note"])?.Length ?? 0) > 1024)
        {
            errors.Add("note: Too long: may not be longer than 1024");
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string)v! : null;

    private static long? Long(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && JsonNumbers.TryGetInteger(v, out long l) ? l : null;

    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
