using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>The kinds the server serves: the built-in ones Slotgate and its manifests use, and every installed CRD.</summary>
internal sealed class ResourceTable
{
    private readonly Dictionary<(string Group, string Version, string Plural), ResourceType> _byPath = [];
    private readonly object _gate = new();

    public ResourceTable()
    {
        // Group, version, kind, plural, namespaced, status subresource, tracks generation, short names, in category "all".
        Add("", "v1", "Namespace", "namespaces", false, true, false, ["ns"]);
        Add("", "v1", "Service", "services", true, true, false, ["svc"], all: true);
        Add("", "v1", "ConfigMap", "configmaps", true, false, false, ["cm"]);
        Add("", "v1", "ServiceAccount", "serviceaccounts", true, false, false, ["sa"]);
        Add("", "v1", "Pod", "pods", true, true, false, ["po"], all: true);
        Add("", "v1", "Event", "events", true, false, false, ["ev"]);
        Add("", "v1", "Secret", "secrets", true, false, false, []);
        Add("", "v1", "Endpoints", "endpoints", true, false, false, ["ep"]);
        Add("apps", "v1", "Deployment", "deployments", true, true, true, ["deploy"], all: true);
        Add("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, true, true, ["pdb"]);
        Add("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true, true, ["hpa"], all: true);
        Add("coordination.k8s.io", "v1", "Lease", "leases", true, false, false, []);
        Add("events.k8s.io", "v1", "Event", "events", true, false, false, ["ev"]);
        Add("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, false, false, []);
        Add("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, false, false, []);
        Add("rbac.authorization.k8s.io", "v1", "Role", "roles", true, false, false, []);
        Add("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, false, false, []);
        Add("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, true, true, ["crd", "crds"]);
    }

    public ResourceType? Find(string group, string version, string plural)
    {
        lock (_gate)
        {
            return _byPath.GetValueOrDefault((group, version, plural));
        }
    }

    /// <summary>Whether <paramref name="group"/>/<paramref name="version"/> is served at all.</summary>
    public bool Serves(string group, string version)
    {
        lock (_gate)
        {
            return _byPath.Keys.Any(k => k.Group == group && k.Version == version);
        }
    }

    public IReadOnlyList<ResourceType> All()
    {
        lock (_gate)
        {
            return [.. _byPath.Values];
        }
    }

    public ResourceType? ByKind(string apiVersion, string kind)
    {
        lock (_gate)
        {
            return _byPath.Values.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
        }
    }

    /// <summary>Learns the served versions, plural, scope and status subresource from a CRD object.</summary>
    public IReadOnlyList<ResourceType> Install(JsonObject crd)
    {
        JsonNode spec = crd["spec"] ?? throw new ArgumentException("CRD without spec");
        string group = (string)spec["group"]!;
        string kind = (string)spec["names"]!["kind"]!;
        string plural = (string)spec["names"]!["plural"]!;
        bool namespaced = (string?)spec["scope"] == "Namespaced";
        var added = new List<ResourceType>();
        lock (_gate)
        {
            foreach (JsonNode? version in spec["versions"]?.AsArray() ?? [])
            {
                if (version?["served"]?.GetValue<bool>() != true)
                {
                    continue;
                }
                bool status = version["subresources"]?["status"] is not null;
                var type = new ResourceType(group, (string)version["name"]!, kind, plural, namespaced, status, true, false)
                {
                    ShortNames = Strings(spec["names"]!["shortNames"]),
                    Categories = Strings(spec["names"]!["categories"]),
                };
                _byPath[(group, type.Version, plural)] = type;
                added.Add(type);
            }
        }
        return added;
    }

    private static string[] Strings(JsonNode? list) => (list as JsonArray ?? []).Select(v => (string?)v).OfType<string>().ToArray();

    public void Uninstall(JsonObject crd)
    {
        string group = (string)crd["spec"]!["group"]!;
        string plural = (string)crd["spec"]!["names"]!["plural"]!;
        lock (_gate)
        {
            foreach (var key in _byPath.Keys.Where(k => k.Group == group && k.Plural == plural).ToList())
            {
                _byPath.Remove(key);
            }
        }
    }

    private void Add(string group, string version, string kind, string plural, bool namespaced, bool status, bool generation, string[] shortNames, bool all = false) =>
        _byPath[(group, version, plural)] = new ResourceType(group, version, kind, plural, namespaced, status, generation, true)
        {
            ShortNames = shortNames,
            Categories = all ? ["all"] : [],
        };
}
