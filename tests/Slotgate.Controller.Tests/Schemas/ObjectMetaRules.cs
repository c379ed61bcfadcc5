using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// The API server's checks of <c>metadata</c> that no OpenAPI schema carries: the name's form for the kind (DNS-1123
/// subdomain; DNS-1035 label for a Service; DNS-1123 label for a Namespace; a path segment for RBAC objects), the
/// namespace a DNS-1123 label, label keys and values, annotation keys and their total size.
/// </summary>
internal static partial class ObjectMetaRules
{
    private const int AnnotationsMaxBytes = 256 * 1024;

    public static void Validate(string kind, JsonObject? metadata, List<string> errors)
    {
        if (metadata is null)
        {
            errors.Add("metadata.name: Required value: name or generateName is required");
            return;
        }
        string? name = (string?)(metadata["name"] as JsonValue);
        if (string.IsNullOrEmpty(name))
        {
            if (string.IsNullOrEmpty((string?)(metadata["generateName"] as JsonValue)))
            {
                errors.Add("metadata.name: Required value: name or generateName is required");
            }
        }
        else
        {
            string? problem = kind switch
            {
                "Service" => Dns1035Label(name),
                "Namespace" => Dns1123Label(name),
                "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding" => PathSegment(name),
                _ => Dns1123Subdomain(name),
            };
            if (problem is not null)
            {
                errors.Add($"metadata.name: Invalid value: {Quote(name)}: {problem}");
            }
        }
        if (metadata["namespace"] is JsonValue ns && (string?)ns is { Length: > 0 } namespaceName && Dns1123Label(namespaceName) is string nsProblem)
        {
            errors.Add($"metadata.namespace: Invalid value: {Quote(namespaceName)}: {nsProblem}");
        }
        if (metadata["labels"] is JsonObject labels)
        {
            foreach ((string key, JsonNode? value) in labels)
            {
                if (QualifiedName(key) is string keyProblem)
                {
                    errors.Add($"metadata.labels: Invalid value: {Quote(key)}: {keyProblem}");
                }
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && LabelValue((string)v!) is string valueProblem)
                {
                    errors.Add($"metadata.labels: Invalid value: {Quote((string)v!)}: {valueProblem}");
                }
            }
        }
        if (metadata["annotations"] is JsonObject annotations)
        {
            long size = 0;
            foreach ((string key, JsonNode? value) in annotations)
            {
                if (QualifiedName(key.ToLowerInvariant()) is string keyProblem)
                {
                    errors.Add($"metadata.annotations: Invalid value: {Quote(key)}: {keyProblem}");
                }
                size += Encoding.UTF8.GetByteCount(key) + (value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? Encoding.UTF8.GetByteCount((string)v!) : 0);
            }
            if (size > AnnotationsMaxBytes)
            {
                errors.Add($"metadata.annotations: Too long: must have at most {AnnotationsMaxBytes} bytes");
            }
        }
    }

    public static string? Dns1123Subdomain(string value) =>
        value.Length > 253 ? "must be no more than 253 characters"
        : Dns1123SubdomainRegex().IsMatch(value) ? null
        : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    public static string? Dns1123Label(string value) =>
        value.Length > 63 ? "must be no more than 63 characters"
        : Dns1123LabelRegex().IsMatch(value) ? null
        : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

    public static string? Dns1035Label(string value) =>
        value.Length > 63 ? "must be no more than 63 characters"
        : Dns1035LabelRegex().IsMatch(value) ? null
        : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

    private static string? PathSegment(string value) =>
        value is "." or ".." ? $"may not be '{value}'"
        : value.Contains('/', StringComparison.Ordinal) || value.Contains('%', StringComparison.Ordinal) ? "may not contain '/' or '%'"
        : null;

    private static string? QualifiedName(string key)
    {
        string[] parts = key.Split('/');
        if (parts.Length > 2)
        {
            return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
        }
        string name = parts[^1];
        if (parts.Length == 2 && (parts[0].Length == 0 ? "prefix part must be non-empty" : Dns1123Subdomain(parts[0])) is string prefixProblem)
        {
            return $"prefix part {prefixProblem}";
        }
        return name.Length is 0 or > 63 || !QualifiedNameRegex().IsMatch(name)
            ? "name part must consist of alphanumeric characters, '-', '_' or '.', must start and end with an alphanumeric character, and be at most 63 characters"
            : null;
    }

    private static string? LabelValue(string value) =>
        value.Length == 0 || (value.Length <= 63 && QualifiedNameRegex().IsMatch(value))
            ? null
            : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)";

    private static string Quote(string value) => JsonSerializer.Serialize(value);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z")]
    private static partial Regex QualifiedNameRegex();
}
