using YamlDotNet.RepresentationModel;

namespace Slotgate.Tests.Kubernetes;

/// <summary>The Slotgate objects of one rendered kustomization, and the Slotgate configuration its ConfigMap holds.</summary>
internal sealed class SlotgateManifest
{
    public const string Name = "slotgate";

    public SlotgateManifest(IReadOnlyList<YamlMappingNode> objects)
    {
        Objects = objects;
        Deployment = objects.Single("Deployment", Name);
        Service = objects.Single("Service", Name);
        Container = Deployment.Items("spec.template.spec.containers").Single(c => c.Text("name") == Name);
        string configMapName = Deployment.Items("spec.template.spec.volumes")
            .Single(v => v.Text("name") == "config").RequiredText("configMap.name");
        ConfigMap = objects.Single("ConfigMap", configMapName);
        Config = Yaml.LoadMapping((ConfigMap.At("data").Key("slotgate.yaml") as YamlScalarNode)?.Value
            ?? throw new InvalidOperationException($"ConfigMap {configMapName} has no slotgate.yaml"));
    }

    public IReadOnlyList<YamlMappingNode> Objects { get; }

    public YamlMappingNode Deployment { get; }

    public YamlMappingNode Service { get; }

    public YamlNode Container { get; }

    public YamlMappingNode ConfigMap { get; }

    /// <summary>The parsed <c>slotgate.yaml</c>.</summary>
    public YamlMappingNode Config { get; }

    public IReadOnlyDictionary<string, string> PodLabels => Deployment.StringMap("spec.template.metadata.labels");

    /// <summary>Every RESP listener's port: <c>listen</c> and <c>proxyProtocol.listen</c>.</summary>
    public IReadOnlyList<int> ListenPorts =>
        Config.Items("listen").Concat(ProxyProtocolListeners).Select(l => PortOf(((YamlScalarNode)l).Value!)).ToList();

    /// <summary>The ports of <c>proxyProtocol.listen</c>: connections that start with a PROXY protocol header.</summary>
    public IReadOnlyList<int> ProxyProtocolPorts =>
        ProxyProtocolListeners.Select(l => PortOf(((YamlScalarNode)l).Value!)).ToList();

    private IEnumerable<YamlNode> ProxyProtocolListeners =>
        Config.At("proxyProtocol") is null ? [] : Config.Items("proxyProtocol.listen");

    public int AdminPort => PortOf(Config.RequiredText("admin.listen"));

    /// <summary>The container port a probe or Service targetPort names (by name or number).</summary>
    public int ContainerPort(string nameOrNumber) =>
        int.TryParse(nameOrNumber, out int number)
            ? number
            : int.Parse(Container.Items("ports").Single(p => p.Text("name") == nameOrNumber).RequiredText("containerPort"));

    public static int PortOf(string hostPort) => int.Parse(hostPort[(hostPort.LastIndexOf(':') + 1)..]);

    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out string? value) && value == s.Value);
}
