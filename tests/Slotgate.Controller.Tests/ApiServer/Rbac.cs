using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// The RBAC authorizer over the ClusterRoles, Roles and bindings stored in the server: a request is allowed when a rule
/// of a role bound to the user (or one of its groups, or its service account) matches its API group, resource (with
/// subresource, as <c>gateways/status</c>; <c>*</c>, <c>*/status</c> and <c>gateways/*</c> wildcards), verb and, if the
/// rule names them, resource name. ClusterRoleBindings grant everywhere; RoleBindings only in their namespace.
/// </summary>
internal static class Rbac
{
    public readonly record struct Attributes(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name);

    public static bool Allows(ObjectStore store, Identity identity, Attributes request)
    {
        if (identity.Admin)
        {
            return true;
        }
        foreach (JsonObject binding in store.Snapshot("rbac.authorization.k8s.io", "clusterrolebindings", null))
        {
            if (Binds(binding, identity, null) && RoleOf(store, binding, null) is JsonObject role && RoleAllows(role, request))
            {
                return true;
            }
        }
        if (request.Namespace is null)
        {
            return false;
        }
        foreach (JsonObject binding in store.Snapshot("rbac.authorization.k8s.io", "rolebindings", request.Namespace))
        {
            if (Binds(binding, identity, request.Namespace) && RoleOf(store, binding, request.Namespace) is JsonObject role && RoleAllows(role, request))
            {
                return true;
            }
        }
        return false;
    }

    public static string ForbiddenMessage(ResourceType type, Identity identity, Attributes request)
    {
        string subject = request.Name is null ? type.GroupResource : $"{type.GroupResource} \"{request.Name}\"";
        string resource = request.Subresource is null ? request.Resource : $"{request.Resource}/{request.Subresource}";
        string scope = request.Namespace is null ? "at the cluster scope" : $"in the namespace \"{request.Namespace}\"";
        return $"{subject} is forbidden: User \"{identity.User}\" cannot {request.Verb} resource \"{resource}\" in API group \"{request.Group}\" {scope}";
    }

    private static JsonObject? RoleOf(ObjectStore store, JsonObject binding, string? ns)
    {
        string? kind = (string?)binding["roleRef"]?["kind"];
        string? name = (string?)binding["roleRef"]?["name"];
        if (name is null)
        {
            return null;
        }
        return kind == "Role" && ns is not null
            ? store.Peek("rbac.authorization.k8s.io", "roles", ns, name)
            : kind == "ClusterRole" ? store.Peek("rbac.authorization.k8s.io", "clusterroles", null, name) : null;
    }

    private static bool Binds(JsonObject binding, Identity identity, string? bindingNamespace)
    {
        foreach (JsonNode? subject in binding["subjects"] as JsonArray ?? [])
        {
            string? kind = (string?)subject?["kind"];
            string? name = (string?)subject?["name"];
            bool match = kind switch
            {
                "ServiceAccount" => identity.User == $"system:serviceaccount:{(string?)subject!["namespace"] ?? bindingNamespace}:{name}",
                "User" => identity.User == name,
                "Group" => name is not null && identity.Groups.Contains(name),
                _ => false,
            };
            if (match)
            {
                return true;
            }
        }
        return false;
    }

    private static bool RoleAllows(JsonObject role, Attributes request)
    {
        foreach (JsonNode? rule in role["rules"] as JsonArray ?? [])
        {
            if (rule is JsonObject r
                && Contains(r["apiGroups"], request.Group, true)
                && Contains(r["verbs"], request.Verb, true)
                && ResourceMatches(r["resources"], request.Resource, request.Subresource)
                && NameMatches(r["resourceNames"], request.Name))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Contains(JsonNode? list, string value, bool wildcard) =>
        (list as JsonArray ?? []).Any(v => v is JsonValue s && ((string?)s == value || (wildcard && (string?)s == "*")));

    private static bool ResourceMatches(JsonNode? resources, string resource, string? subresource)
    {
        string combined = subresource is null ? resource : $"{resource}/{subresource}";
        foreach (string? rule in (resources as JsonArray ?? []).Select(v => (string?)v))
        {
            if (rule == "*" || rule == combined
                || (subresource is not null && (rule == $"*/{subresource}" || rule == $"{resource}/*")))
            {
                return true;
            }
        }
        return false;
    }

    private static bool NameMatches(JsonNode? names, string? name)
    {
        if (names is not JsonArray list || list.Count == 0)
        {
            return true;
        }
        return name is not null && list.Any(n => (string?)n == name);
    }
}
