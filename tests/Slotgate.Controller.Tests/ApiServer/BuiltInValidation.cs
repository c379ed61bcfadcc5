using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// The validation the API server does in code rather than in schemas, for what Slotgate's objects can get wrong:
/// object names (RFC 1123 subdomain, or label for namespaces, RFC 1035 label for Services, path segment for RBAC),
/// label and annotation keys and label values, a Deployment's selector matching its template and not changing, and a
/// Service's ClusterIP not changing. Messages read as the API server's.
/// </summary>
internal static partial class BuiltInValidation
{
    private const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string Label1123Message =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string Label1035Message =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private const string QualifiedNameMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string LabelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label1123();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label1035();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    public static List<string> Errors(ResourceType type, JsonObject obj, JsonObject? old)
    {
        var errors = new List<string>();
        string name = (string?)obj["metadata"]?["name"] ?? "";
        Name(type, name, errors);
        if (obj["metadata"]?["labels"] is JsonObject labels)
        {
            foreach ((string key, JsonNode? value) in labels)
            {
                Key("metadata.labels", key, errors);
                string text = value is JsonValue v && v.TryGetValue(out string? s) ? s : value?.ToJsonString() ?? "";
                if (text.Length > 63)
                {
                    errors.Add($"metadata.labels: Invalid value: \"{text}\": must be no more than 63 characters");
                }
                else if (!LabelValue().IsMatch(text))
                {
                    errors.Add($"metadata.labels: Invalid value: \"{text}\": {LabelValueMessage}");
                }
            }
        }
        if (obj["metadata"]?["annotations"] is JsonObject annotations)
        {
            foreach ((string key, _) in annotations)
            {
                Key("metadata.annotations", key, errors);
            }
        }
        if (type is { Group: "apps", Plural: "deployments" })
        {
            Deployment(obj, old, errors);
        }
        if (type is { Group: "", Plural: "services" } && old is not null
            && (string?)old["spec"]?["clusterIP"] is { Length: > 0 } oldIp && (string?)obj["spec"]?["clusterIP"] is { Length: > 0 } newIp && oldIp != newIp)
        {
            errors.Add($"spec.clusterIPs[0]: Invalid value: []string{{\"{newIp}\"}}: may not change once set");
        }
        return errors;
    }

    private static void Name(ResourceType type, string name, List<string> errors)
    {
        if (type.Group == "rbac.authorization.k8s.io")
        {
            foreach (string bad in new[] { "/", "%" })
            {
                if (name.Contains(bad, StringComparison.Ordinal))
                {
                    errors.Add($"metadata.name: Invalid value: \"{name}\": may not contain '{bad}'");
                }
            }
            if (name is "." or "..")
            {
                errors.Add($"metadata.name: Invalid value: \"{name}\": may not be '{name}'");
            }
            return;
        }
        (Regex pattern, string message, int max) = type switch
        {
            { Group: "", Plural: "namespaces" } => (Label1123(), Label1123Message, 63),
            { Group: "", Plural: "services" } => (Label1035(), Label1035Message, 63),
            _ => (Subdomain(), SubdomainMessage, 253),
        };
        if (name.Length > max)
        {
            errors.Add($"metadata.name: Invalid value: \"{name}\": must be no more than {max} characters");
        }
        if (!pattern.IsMatch(name))
        {
            errors.Add($"metadata.name: Invalid value: \"{name}\": {message}");
        }
    }

    private static void Key(string field, string key, List<string> errors)
    {
        int slash = key.LastIndexOf('/');
        string namePart = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            string prefix = key[..slash];
            if (prefix.Length > 253)
            {
                errors.Add($"{field}: Invalid value: \"{key}\": prefix part must be no more than 253 characters");
            }
            else if (!Subdomain().IsMatch(prefix))
            {
                errors.Add($"{field}: Invalid value: \"{key}\": prefix part {SubdomainMessage}");
            }
        }
        if (namePart.Length == 0)
        {
            errors.Add($"{field}: Invalid value: \"{key}\": name part must be non-empty");
        }
        else if (namePart.Length > 63)
        {
            errors.Add($"{field}: Invalid value: \"{key}\": name part must be no more than 63 characters");
        }
        else if (!QualifiedName().IsMatch(namePart))
        {
            errors.Add($"{field}: Invalid value: \"{key}\": {QualifiedNameMessage}");
        }
    }

    private static void Deployment(JsonObject obj, JsonObject? old, List<string> errors)
    {
        JsonNode? selector = obj["spec"]?["selector"];
        if (selector?["matchLabels"] is JsonObject matchLabels)
        {
            JsonObject templateLabels = obj["spec"]?["template"]?["metadata"]?["labels"] as JsonObject ?? [];
            if (matchLabels.Any(l => !JsonNode.DeepEquals(templateLabels[l.Key], l.Value)))
            {
                errors.Add($"spec.template.metadata.labels: Invalid value: {JsonText.Write(templateLabels)}: `selector` does not match template `labels`");
            }
        }
        JsonNode? oldSelector = old?["spec"]?["selector"];
        if (old is not null && !JsonNode.DeepEquals(selector, oldSelector))
        {
            errors.Add($"spec.selector: Invalid value: {(selector is null ? "null" : JsonText.Write(selector))}: field is immutable");
        }
    }
}
