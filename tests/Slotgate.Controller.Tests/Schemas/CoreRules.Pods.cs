using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>Pod spec, label selector and port checks of <see cref="CoreRules"/>.</summary>
internal static partial class CoreRules
{
    private static readonly string[] HandlerTypes = ["exec", "httpGet", "tcpSocket", "grpc"];

    private static readonly string[] VolumeSources =
    [
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
        "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
        "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume",
        "scaleIO", "storageos", "csi", "ephemeral",
    ];

    private static void PodSpec(JsonObject spec, string path, string[]? restartPolicies, List<string> errors)
    {
        var volumes = new HashSet<string>(StringComparer.Ordinal);
        var volumeList = spec["volumes"] as JsonArray ?? [];
        for (int i = 0; i < volumeList.Count; i++)
        {
            JsonObject volume = volumeList[i] as JsonObject ?? [];
            string? name = Text(volume["name"]);
            if (name is not null)
            {
                volumes.Add(name);
                if (ObjectMetaRules.Dns1123Label(name) is string problem)
                {
                    errors.Add($"{path}.volumes[{i}].name: Invalid value: {Quote(name)}: {problem}");
                }
            }
            int sources = VolumeSources.Count(volume.ContainsKey);
            if (sources == 0)
            {
                errors.Add($"{path}.volumes[{i}]: Required value: must specify a volume type");
            }
            else if (sources > 1)
            {
                errors.Add($"{path}.volumes[{i}]: Forbidden: may not specify more than 1 volume type");
            }
        }
        var portNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (string list in (string[])["initContainers", "containers"])
        {
            var containers = spec[list] as JsonArray ?? [];
            for (int i = 0; i < containers.Count; i++)
            {
                Container(containers[i] as JsonObject ?? [], $"{path}.{list}[{i}]", volumes, portNames, isInit: list == "initContainers", errors);
            }
        }
        if (spec["containers"] is not JsonArray { Count: > 0 })
        {
            errors.Add($"{path}.containers: Required value");
        }
        string restartPolicy = Text(spec["restartPolicy"]) ?? "Always";
        if (restartPolicies is not null && !restartPolicies.Contains(restartPolicy))
        {
            errors.Add($"{path}.restartPolicy: Unsupported value: {Quote(restartPolicy)}: supported values: {string.Join(", ", restartPolicies.Select(Quote))}");
        }
        if (Text(spec["serviceAccountName"]) is { Length: > 0 } account && ObjectMetaRules.Dns1123Subdomain(account) is string accountProblem)
        {
            errors.Add($"{path}.serviceAccountName: Invalid value: {Quote(account)}: {accountProblem}");
        }
        if (Long(spec["terminationGracePeriodSeconds"]) is < 0)
        {
            errors.Add($"{path}.terminationGracePeriodSeconds: Invalid value: {spec["terminationGracePeriodSeconds"]}: must be greater than or equal to 0");
        }
    }

    private static void Container(JsonObject container, string path, HashSet<string> volumes, HashSet<string> portNames, bool isInit, List<string> errors)
    {
        string? name = Text(container["name"]);
        if (name is not null && ObjectMetaRules.Dns1123Label(name) is string problem)
        {
            errors.Add($"{path}.name: Invalid value: {Quote(name)}: {problem}");
        }
        if (string.IsNullOrEmpty(Text(container["image"])))
        {
            errors.Add($"{path}.image: Required value");
        }
        var ports = container["ports"] as JsonArray ?? [];
        for (int i = 0; i < ports.Count; i++)
        {
            JsonObject port = ports[i] as JsonObject ?? [];
            string portPath = $"{path}.ports[{i}]";
            if (Text(port["name"]) is string portName)
            {
                if (IanaServiceName(portName) is string nameProblem)
                {
                    errors.Add($"{portPath}.name: Invalid value: {Quote(portName)}: {nameProblem}");
                }
                else if (!portNames.Add(portName))
                {
                    errors.Add($"{portPath}.name: Duplicate value: {Quote(portName)}");
                }
            }
            PortNumber(port["containerPort"], $"{portPath}.containerPort", required: true, errors);
            if (port["hostPort"] is JsonNode hostPort && Long(hostPort) is not 0)
            {
                PortNumber(hostPort, $"{portPath}.hostPort", required: false, errors);
            }
        }
        var env = container["env"] as JsonArray ?? [];
        for (int i = 0; i < env.Count; i++)
        {
            JsonObject variable = env[i] as JsonObject ?? [];
            string? envName = Text(variable["name"]);
            if (string.IsNullOrEmpty(envName))
            {
                errors.Add($"{path}.env[{i}].name: Required value");
            }
            else if (!EnvVarName().IsMatch(envName))
            {
                errors.Add($"{path}.env[{i}].name: Invalid value: {Quote(envName)}: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit");
            }
            if (variable["value"] is JsonValue v && Text(v) is { Length: > 0 } && variable["valueFrom"] is not null)
            {
                errors.Add($"{path}.env[{i}].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty");
            }
        }
        var mountPaths = new HashSet<string>(StringComparer.Ordinal);
        var mounts = container["volumeMounts"] as JsonArray ?? [];
        for (int i = 0; i < mounts.Count; i++)
        {
            JsonObject mount = mounts[i] as JsonObject ?? [];
            string? volume = Text(mount["name"]);
            if (volume is not null && !volumes.Contains(volume))
            {
                errors.Add($"{path}.volumeMounts[{i}].name: Not found: {Quote(volume)}");
            }
            if (Text(mount["mountPath"]) is string mountPath && !mountPaths.Add(mountPath))
            {
                errors.Add($"{path}.volumeMounts[{i}].mountPath: Invalid value: {Quote(mountPath)}: must be unique");
            }
        }
        foreach (string probe in (string[])["livenessProbe", "readinessProbe", "startupProbe"])
        {
            if (container[probe] is JsonObject p)
            {
                if (isInit)
                {
                    errors.Add($"{path}.{probe}: Forbidden: may not be set for init containers");
                }
                Handler(p, $"{path}.{probe}", errors);
                if (probe != "readinessProbe" && Long(p["successThreshold"]) is long threshold && threshold != 1)
                {
                    errors.Add($"{path}.{probe}.successThreshold: Invalid value: {threshold}: must be 1");
                }
            }
        }
        if (container["lifecycle"] is JsonObject lifecycle)
        {
            foreach (string hook in (string[])["postStart", "preStop"])
            {
                if (lifecycle[hook] is JsonObject handler)
                {
                    Handler(handler, $"{path}.lifecycle.{hook}", errors);
                }
            }
        }
        Resources(container["resources"] as JsonObject, $"{path}.resources", errors);
    }

    private static void Handler(JsonObject handler, string path, List<string> errors)
    {
        string[] present = HandlerTypes.Where(handler.ContainsKey).ToArray();
        if (present.Length == 0)
        {
            errors.Add($"{path}: Required value: must specify a handler type");
        }
        else if (present.Length > 1)
        {
            errors.Add($"{path}.{present[1]}: Forbidden: may not specify more than 1 handler type");
        }
        foreach (string type in (string[])["httpGet", "tcpSocket"])
        {
            if (handler[type] is JsonObject action)
            {
                if (action["port"] is JsonNode port)
                {
                    PortNumberOrName(port, $"{path}.{type}.port", errors);
                }
                else
                {
                    errors.Add($"{path}.{type}.port: Required value");
                }
            }
        }
    }

    private static void Resources(JsonObject? resources, string path, List<string> errors)
    {
        if (resources?["requests"] is not JsonObject requests || resources["limits"] is not JsonObject limits)
        {
            return;
        }
        foreach ((string resource, JsonNode? request) in requests)
        {
            if (limits[resource] is JsonNode limit && Quantity.Parse(request) is decimal r && Quantity.Parse(limit) is decimal l && r > l)
            {
                errors.Add($"{path}.requests: Invalid value: {Quote(Text(request) ?? request!.ToJsonString())}: must be less than or equal to {resource} limit of {Text(limit) ?? limit.ToJsonString()}");
            }
        }
    }

    private static void LabelSelector(JsonObject? selector, string path, List<string> errors)
    {
        if (selector is null)
        {
            return;
        }
        Labels(selector["matchLabels"] as JsonObject, $"{path}.matchLabels", errors);
        var expressions = selector["matchExpressions"] as JsonArray ?? [];
        for (int i = 0; i < expressions.Count; i++)
        {
            JsonObject expression = expressions[i] as JsonObject ?? [];
            string? op = Text(expression["operator"]);
            bool hasValues = expression["values"] is JsonArray { Count: > 0 };
            if (op is "In" or "NotIn" && !hasValues)
            {
                errors.Add($"{path}.matchExpressions[{i}].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
            }
            else if (op is "Exists" or "DoesNotExist" && hasValues)
            {
                errors.Add($"{path}.matchExpressions[{i}].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
            }
            else if (op is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
            {
                errors.Add($"{path}.matchExpressions[{i}].operator: Invalid value: {Quote(op ?? "")}: not a valid selector operator");
            }
        }
    }

    private static void Labels(JsonObject? labels, string path, List<string> errors)
    {
        if (labels is null)
        {
            return;
        }
        var probe = new List<string>();
        ObjectMetaRules.Validate("", new JsonObject { ["name"] = "x", ["labels"] = labels.DeepClone() }, probe);
        errors.AddRange(probe.Select(e => e.Replace("metadata.labels", path, StringComparison.Ordinal)));
    }

    private static bool IsEmptySelector(JsonObject selector) =>
        selector["matchLabels"] is not JsonObject { Count: > 0 } && selector["matchExpressions"] is not JsonArray { Count: > 0 };

    private static bool SelectorMatches(JsonObject selector, JsonObject? labels)
    {
        string? Label(string key) => labels is not null && labels[key] is JsonNode value ? Text(value) : null;
        if (selector["matchLabels"] is JsonObject matchLabels && matchLabels.Any(m => Label(m.Key) != Text(m.Value)))
        {
            return false;
        }
        foreach (JsonObject expression in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string key = Text(expression["key"]) ?? "";
            var values = (expression["values"] as JsonArray ?? []).Select(Text).ToHashSet();
            bool matches = Text(expression["operator"]) switch
            {
                "In" => Label(key) is string v && values.Contains(v),
                "NotIn" => Label(key) is not string w || !values.Contains(w),
                "Exists" => Label(key) is not null,
                "DoesNotExist" => Label(key) is null,
                _ => false,
            };
            if (!matches)
            {
                return false;
            }
        }
        return true;
    }

    private static decimal? IntOrPercent(JsonNode? value, string path, List<string> errors)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonValue v when Long(v) is long n:
                if (n < 0)
                {
                    errors.Add($"{path}: Invalid value: {n}: must be greater than or equal to 0");
                }
                return n;
            case JsonValue v when Text(v) is string text:
                if (!text.EndsWith('%') || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int percent))
                {
                    errors.Add($"{path}: Invalid value: {Quote(text)}: a valid percent string must be a numeric string followed by an ending '%'");
                    return null;
                }
                return percent;
            default:
                return null;
        }
    }

    private static void PortNumber(JsonNode? value, string path, bool required, List<string> errors)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add($"{path}: Required value");
            }
            return;
        }
        if (Long(value) is long port && port is < 1 or > 65535)
        {
            errors.Add($"{path}: Invalid value: {port}: must be between 1 and 65535, inclusive");
        }
    }

    private static void PortNumberOrName(JsonNode value, string path, List<string> errors)
    {
        if (Text(value) is string name)
        {
            if (IanaServiceName(name) is string problem)
            {
                errors.Add($"{path}: Invalid value: {Quote(name)}: {problem}");
            }
        }
        else
        {
            PortNumber(value, path, required: true, errors);
        }
    }

    /// <summary>A port name (IANA_SVC_NAME): at most 15 lower-case letters, digits and '-', a letter among them, no '--'.</summary>
    private static string? IanaServiceName(string name) =>
        name.Length is 0 or > 15 ? "must be no more than 15 characters"
        : !IanaServiceNameRegex().IsMatch(name) ? "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
        : name.Contains("--", StringComparison.Ordinal) ? "must not contain consecutive hyphens"
        : !name.Any(char.IsAsciiLetter) ? "must contain at least one letter (a-z)"
        : null;

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\z")]
    private static partial Regex IanaServiceNameRegex();

    [GeneratedRegex(@"^[-._a-zA-Z][-._a-zA-Z0-9]*\z")]
    private static partial Regex EnvVarName();
}
