using YamlDotNet.RepresentationModel;

namespace Slotgate.Tests.Kubernetes;

/// <summary>Small accessors over YamlDotNet's representation model, enough to read Kubernetes objects.</summary>
internal static class Yaml
{
    public static IReadOnlyList<YamlMappingNode> LoadDocuments(string text)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(text);
        stream.Load(reader);
        var documents = new List<YamlMappingNode>();
        foreach (YamlDocument document in stream.Documents)
        {
            if (document.RootNode is YamlMappingNode mapping)
            {
                documents.Add(mapping);
            }
        }
        return documents;
    }

    public static YamlMappingNode LoadMapping(string text) =>
        LoadDocuments(text) is [var single] ? single : throw new InvalidOperationException("expected exactly one YAML document");

    /// <summary>The node at a dotted path (<c>spec.template.metadata.labels</c>), or null.</summary>
    public static YamlNode? At(this YamlNode node, string path)
    {
        YamlNode? current = node;
        foreach (string part in path.Split('.'))
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(part), out YamlNode? next))
            {
                return null;
            }
            current = next;
        }
        return current;
    }

    /// <summary>One key that may itself contain dots (<c>slotgate.yaml</c> in a ConfigMap's data), or null.</summary>
    public static YamlNode? Key(this YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;

    public static string? Text(this YamlNode node, string path) => (node.At(path) as YamlScalarNode)?.Value;

    public static string RequiredText(this YamlNode node, string path) =>
        node.Text(path) ?? throw new InvalidOperationException($"'{path}' is missing");

    public static IReadOnlyList<YamlNode> Items(this YamlNode node, string path) =>
        node.At(path) is YamlSequenceNode sequence ? sequence.Children.ToList() : [];

    public static IReadOnlyDictionary<string, string> StringMap(this YamlNode node, string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.At(path) is YamlMappingNode mapping)
        {
            foreach (KeyValuePair<YamlNode, YamlNode> entry in mapping.Children)
            {
                map[((YamlScalarNode)entry.Key).Value!] = (entry.Value as YamlScalarNode)?.Value ?? "";
            }
        }
        return map;
    }

    public static string Kind(this YamlNode node) => node.RequiredText("kind");

    public static string Name(this YamlNode node) => node.RequiredText("metadata.name");
}
