using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>
/// The ServiceAccount, ConfigMap, Deployment and Service of one Gateway, all named after it, in its namespace and owned
/// by it (deleting the Gateway deletes them). Mirrors deploy/kubernetes/base plus the ambient-waypoint overlay.
/// </summary>
internal static class DesiredObjects
{
    private const string ConfigKey = "slotgate.yaml";
    private const string ConfigDirectory = "/etc/slotgate";
    private const int MinTerminationGraceSeconds = 30;
    private const string DrainDelayVariable = "SLOTGATE_SHUTDOWN__DRAINDELAY";
    private const long RunAsUser = 1654;

    public static Dictionary<string, string> PodLabels(ObjectKey gateway) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = "slotgate",
        ["app.kubernetes.io/component"] = "proxy",
        ["app.kubernetes.io/managed-by"] = "slotgate-controller",
        [GatewayApi.GatewayNameLabel] = gateway.Name,
        [GatewayApi.DataplaneModeLabel] = "ambient",
    };

    public static V1ServiceAccount ServiceAccount(GatewayInput gateway) => new()
    {
        ApiVersion = "v1",
        Kind = "ServiceAccount",
        Metadata = Metadata(gateway),
        AutomountServiceAccountToken = false,
    };

    public static V1ConfigMap ConfigMap(GatewayInput gateway, string config) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = Metadata(gateway),
        Data = new Dictionary<string, string> { [ConfigKey] = config },
    };

    public static V1Service Service(GatewayInput gateway, IReadOnlyList<int> listenPorts, SlotgateParameters parameters)
    {
        var ports = listenPorts.Select(p => new V1ServicePort { Name = PortName(p), Port = p, TargetPort = p, Protocol = "TCP" }).ToList();
        if (parameters.InboundBinding == InboundBinding.Proxy)
        {
            ports.Add(new V1ServicePort { Name = ProxyPortName, Port = GatewayApi.ProxyProtocolPort, TargetPort = GatewayApi.ProxyProtocolPort, Protocol = "TCP" });
        }
        ports.Add(new V1ServicePort { Name = "http-admin", Port = GatewayApi.AdminPort, TargetPort = GatewayApi.AdminPort, Protocol = "TCP" });
        // ztunnel sends HBONE to this port of a waypoint's Service; nothing in the pod listens on it (the pod's own
        // ztunnel takes the connection and hands over plain TCP on the listener port).
        ports.Add(new V1ServicePort { Name = "tcp-hbone", Port = GatewayApi.HbonePort, TargetPort = GatewayApi.HbonePort, Protocol = "TCP" });
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(gateway),
            Spec = new V1ServiceSpec { Type = "ClusterIP", Selector = Selector(gateway.Key), Ports = ports },
        };
    }

    public static V1Deployment Deployment(
        GatewayInput gateway, SlotgateParameters parameters, IReadOnlyList<int> listenPorts, string config, int replicas)
    {
        var ports = listenPorts.Select(p => new V1ContainerPort { Name = PortName(p), ContainerPort = p, Protocol = "TCP" }).ToList();
        if (parameters.InboundBinding == InboundBinding.Proxy)
        {
            ports.Add(new V1ContainerPort { Name = ProxyPortName, ContainerPort = GatewayApi.ProxyProtocolPort, Protocol = "TCP" });
        }
        ports.Add(new V1ContainerPort { Name = "http-admin", ContainerPort = GatewayApi.AdminPort, Protocol = "TCP" });
        // Slotgate keeps serving for drainDelay after SIGTERM (readyz 503) so endpoints and ztunnels stop sending new
        // connections, then drains: that replaces a preStop sleep, which servers before Kubernetes 1.30 reject.
        var env = new List<V1EnvVar> { new() { Name = DrainDelayVariable, Value = parameters.DrainDelay } };
        env.AddRange(parameters.Settings.Select(s => new V1EnvVar { Name = s.Key, Value = s.Value }));
        int grace = Math.Max(MinTerminationGraceSeconds, (int)Math.Ceiling(parameters.EffectiveShutdownBudget.TotalSeconds) + 10);
        var container = new V1Container
        {
            Name = "slotgate",
            Image = parameters.Image,
            Args = ["--config", ConfigDirectory + "/" + ConfigKey],
            Env = env,
            Ports = ports,
            StartupProbe = Probe("/healthz", periodSeconds: 2, failureThreshold: 30),
            LivenessProbe = Probe("/healthz", periodSeconds: 10, failureThreshold: 3),
            ReadinessProbe = Probe("/readyz", periodSeconds: 5, failureThreshold: 2),
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("64Mi") },
                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("256Mi") },
            },
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = [new V1VolumeMount { Name = "config", MountPath = ConfigDirectory, ReadOnlyProperty = true }],
        };
        var labels = PodLabels(gateway.Key);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(gateway),
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = Selector(gateway.Key) },
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = labels,
                        // A changed configuration (new seeds, listeners, settings) rolls the pods; with maxUnavailable 0
                        // the old pods keep serving until new ones are ready, so a configuration Slotgate rejects at
                        // start-up never takes the Gateway down.
                        Annotations = new Dictionary<string, string> { [GatewayApi.ConfigHashAnnotation] = ConfigHash(config, env) },
                    },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = gateway.Key.Name,
                        AutomountServiceAccountToken = false,
                        EnableServiceLinks = false,
                        TerminationGracePeriodSeconds = grace,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = RunAsUser,
                            RunAsGroup = RunAsUser,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        Affinity = new V1Affinity
                        {
                            PodAntiAffinity = new V1PodAntiAffinity
                            {
                                PreferredDuringSchedulingIgnoredDuringExecution =
                                [
                                    new V1WeightedPodAffinityTerm
                                    {
                                        Weight = 100,
                                        PodAffinityTerm = new V1PodAffinityTerm
                                        {
                                            TopologyKey = "kubernetes.io/hostname",
                                            LabelSelector = new V1LabelSelector { MatchLabels = Selector(gateway.Key) },
                                        },
                                    },
                                ],
                            },
                        },
                        Containers = [container],
                        Volumes = [new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = gateway.Key.Name } }],
                    },
                },
            },
        };
    }

    private static V1ObjectMeta Metadata(GatewayInput gateway) => new()
    {
        Name = gateway.Key.Name,
        NamespaceProperty = gateway.Key.Namespace,
        Labels = new Dictionary<string, string>
        {
            ["app.kubernetes.io/name"] = "slotgate",
            ["app.kubernetes.io/managed-by"] = "slotgate-controller",
            [GatewayApi.GatewayNameLabel] = gateway.Key.Name,
        },
        OwnerReferences =
        [
            new V1OwnerReference
            {
                ApiVersion = GatewayApi.Group + "/v1",
                Kind = GatewayApi.GatewayKind,
                Name = gateway.Key.Name,
                Uid = gateway.Uid,
                Controller = true,
                BlockOwnerDeletion = true,
            },
        ],
    };

    private static Dictionary<string, string> Selector(ObjectKey gateway) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = "slotgate",
        [GatewayApi.GatewayNameLabel] = gateway.Name,
    };

    private static V1Probe Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "http-admin" },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 2,
        FailureThreshold = failureThreshold,
    };

    private static string PortName(int port) => "tcp-" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private const string ProxyPortName = "tcp-proxy";

    /// <summary>SHA-256 (first 16 hex digits) of the rendered slotgate.yaml and the settings passed as environment.</summary>
    public static string ConfigHash(string config, IEnumerable<V1EnvVar> env)
    {
        var text = new StringBuilder(config);
        foreach (V1EnvVar variable in env)
        {
            text.Append('\n').Append(variable.Name).Append('=').Append(variable.Value);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
