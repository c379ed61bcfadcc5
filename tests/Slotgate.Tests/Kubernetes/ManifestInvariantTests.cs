namespace Slotgate.Tests.Kubernetes;

/// <summary>
/// Invariants of the rendered manifests that a typo would break silently in a cluster: ports, labels, probe routes and
/// names that must agree across objects and with Slotgate's own configuration.
/// </summary>
public sealed class ManifestInvariantTests
{
    private const string Overlay = "overlays/ambient-waypoint";
    private const string ProxyOverlay = "overlays/ambient-waypoint-proxy";
    private const string GatewayName = "redis-waypoint";

    public static TheoryData<string> SlotgateKustomizations => new() { "base", Overlay, ProxyOverlay };

    [Theory]
    [InlineData("base")]
    [InlineData(Overlay)]
    [InlineData(ProxyOverlay)]
    [InlineData("examples/redis-cluster")]
    [InlineData("examples/client")]
    [InlineData("controller")]
    [InlineData("examples/controller-waypoint")]
    public void Render_Kustomization_ProducesObjects(string directory)
    {
        Assert.NotEmpty(Kustomize.Render(directory));
    }

    [Theory]
    [MemberData(nameof(SlotgateKustomizations))]
    public void Probes_AdminRoutes_MatchSlotgateEndpointsOnAdminPort(string directory)
    {
        var manifest = new SlotgateManifest(Kustomize.Render(directory));

        Assert.Equal("/healthz", manifest.Container.RequiredText("livenessProbe.httpGet.path"));
        Assert.Equal("/readyz", manifest.Container.RequiredText("readinessProbe.httpGet.path"));
        Assert.Equal("/healthz", manifest.Container.RequiredText("startupProbe.httpGet.path"));
        foreach (string probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            Assert.Equal(manifest.AdminPort, manifest.ContainerPort(manifest.Container.RequiredText(probe + ".httpGet.port")));
        }
        // Probes come from the kubelet, outside the pod: the admin endpoint must not listen on loopback only.
        Assert.StartsWith("0.0.0.0:", manifest.Config.RequiredText("admin.listen"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SlotgateKustomizations))]
    public void ContainerPorts_ConfiguredListeners_AreExactlyThePortsDeclared(string directory)
    {
        var manifest = new SlotgateManifest(Kustomize.Render(directory));

        int[] declared = manifest.Container.Items("ports").Select(p => int.Parse(p.RequiredText("containerPort"))).Order().ToArray();
        int[] configured = manifest.ListenPorts.Append(manifest.AdminPort).Distinct().Order().ToArray();
        Assert.Equal(configured, declared);
    }

    [Theory]
    [MemberData(nameof(SlotgateKustomizations))]
    public void ServicePorts_TargetPorts_ReachListeningContainerPorts(string directory)
    {
        var manifest = new SlotgateManifest(Kustomize.Render(directory));

        foreach (var port in manifest.Service.Items("spec.ports").Where(p => p.Text("port") != "15008"))
        {
            int target = manifest.ContainerPort(port.RequiredText("targetPort"));
            Assert.Contains(target, manifest.ListenPorts.Append(manifest.AdminPort));
        }
        Assert.True(SlotgateManifest.Selects(manifest.Service.StringMap("spec.selector"), manifest.PodLabels));
    }

    [Theory]
    [MemberData(nameof(SlotgateKustomizations))]
    public void ConfigFile_ArgumentPath_IsTheMountedConfigMapKey(string directory)
    {
        var manifest = new SlotgateManifest(Kustomize.Render(directory));

        List<string> args = manifest.Container.Items("args").Select(a => ((YamlDotNet.RepresentationModel.YamlScalarNode)a).Value!).ToList();
        string path = args[args.IndexOf("--config") + 1];
        string mountPath = manifest.Container.Items("volumeMounts").Single(m => m.Text("name") == "config").RequiredText("mountPath");
        Assert.Equal(mountPath + "/slotgate.yaml", path);
        Assert.NotNull(manifest.ConfigMap.At("data").Key("slotgate.yaml"));
    }

    [Theory]
    [MemberData(nameof(SlotgateKustomizations))]
    public void TerminationGrace_DrainDelayAndDrain_FitWithMargin(string directory)
    {
        var manifest = new SlotgateManifest(Kustomize.Render(directory));

        int grace = int.Parse(manifest.Deployment.RequiredText("spec.template.spec.terminationGracePeriodSeconds"));
        int delay = Seconds(manifest.Config.RequiredText("shutdown.drainDelay"));
        int drain = Seconds(manifest.Config.RequiredText("shutdown.drainTimeout"));
        Assert.True(delay > 0, "a delay before the drain lets endpoints and ztunnels drop the pod first");
        Assert.True(grace >= delay + drain + 10, $"grace {grace}s < drainDelay {delay}s + drainTimeout {drain}s + 10s");
        // The kubelet's preStop sleep handler exists only from Kubernetes 1.30; Slotgate's drainDelay replaces it.
        Assert.Null(manifest.Container.At("lifecycle"));
    }

    [Theory]
    [MemberData(nameof(SlotgateKustomizations))]
    public void ConfigFile_WithThePodsEnvironment_PassesSlotgatesOwnValidation(string directory)
    {
        var manifest = new SlotgateManifest(Kustomize.Render(directory));
        string file = Path.Combine(Path.GetTempPath(), $"slotgate-manifest-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, ((YamlDotNet.RepresentationModel.YamlScalarNode)manifest.ConfigMap.At("data").Key("slotgate.yaml")!).Value);
        try
        {
            // The pods' literal SLOTGATE_* variables apply on top of the file, as in the container.
            var environment = manifest.Container.Items("env")
                .Where(e => e.Text("value") is not null)
                .ToDictionary(e => e.RequiredText("name"), e => (string?)e.Text("value"));
            var result = Slotgate.Configuration.SlotgateConfiguration.Load(["--config", file], environment);

            Assert.Empty(result.Errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [MemberData(nameof(SlotgateKustomizations))]
    public void ConfigMap_Name_CarriesContentHashSoChangesRollThePods(string directory)
    {
        var manifest = new SlotgateManifest(Kustomize.Render(directory));

        string name = manifest.ConfigMap.Name();
        Assert.StartsWith("slotgate-config-", name, StringComparison.Ordinal);
        Assert.Equal(10, name["slotgate-config-".Length..].Length);
    }

    [Fact]
    public void ConfigMap_OverlayWithOtherConfig_GetsAnotherName()
    {
        string[] names = ["base", Overlay, ProxyOverlay];

        Assert.Equal(names.Length, names.Select(d => new SlotgateManifest(Kustomize.Render(d)).ConfigMap.Name()).Distinct().Count());
    }

    [Fact]
    public void ProxyOverlay_Gateway_AsksForProxyBindingOnTheProxyProtocolListener()
    {
        var objects = Kustomize.Render(ProxyOverlay);
        var manifest = new SlotgateManifest(objects);
        var gateway = objects.Single("Gateway", GatewayName);

        Assert.Equal("PROXY/15088", gateway.StringMap("metadata.annotations")["ambient.istio.io/waypoint-inbound-binding"]);
        Assert.Equal([15088], manifest.ProxyProtocolPorts);
        Assert.Contains(gateway.Items("spec.listeners"), l => l.Text("protocol") == "PROXY" && l.Text("port") == "15088");
        Assert.Contains(manifest.Service.Items("spec.ports"), p => p.Text("port") == "15088");
        Assert.Equal("ambient", manifest.PodLabels["istio.io/dataplane-mode"]);
        // Only loopback (the ztunnel in the pod's network namespace) may vouch for a client's identity.
        Assert.Equal(["127.0.0.0/8", "::1/128"], manifest.Config.Items("proxyProtocol.trustedProxies").Select(n => n.ToString()));
    }

    [Fact]
    public void Images_EveryKustomization_TakesThemFromTheImagesComponent()
    {
        foreach (string directory in new[] { "base", Overlay, ProxyOverlay })
        {
            Assert.Equal("slotgate:latest", new SlotgateManifest(Kustomize.Render(directory)).Container.RequiredText("image"));
        }
        var controller = Kustomize.Render("controller");
        // The image slotgate-controller runs for each Gateway comes from the same component as the static overlays'.
        Assert.Equal("slotgate:latest", controller.Single("ConfigMap", "slotgate-parameters").RequiredText("data.image"));
        Assert.Equal("slotgate-controller:latest",
            controller.Single("Deployment", "slotgate-controller").Items("spec.template.spec.containers")[0].RequiredText("image"));
    }

    private static int Seconds(string duration)
    {
        Assert.EndsWith("s", duration, StringComparison.Ordinal);
        return int.Parse(duration[..^1]);
    }

    [Theory]
    [MemberData(nameof(SlotgateKustomizations))]
    public void Names_ReferencedAcrossObjects_AllResolve(string directory)
    {
        var manifest = new SlotgateManifest(Kustomize.Render(directory));
        var objects = manifest.Objects;

        objects.Single("ServiceAccount", manifest.Deployment.RequiredText("spec.template.spec.serviceAccountName"));
        var hpa = objects.Single("HorizontalPodAutoscaler", SlotgateManifest.Name);
        Assert.Equal("Deployment", hpa.RequiredText("spec.scaleTargetRef.kind"));
        Assert.Equal(manifest.Deployment.Name(), hpa.RequiredText("spec.scaleTargetRef.name"));
        var pdb = objects.Single("PodDisruptionBudget", SlotgateManifest.Name);
        Assert.True(SlotgateManifest.Selects(pdb.StringMap("spec.selector.matchLabels"), manifest.PodLabels));
        Assert.True(SlotgateManifest.Selects(manifest.Deployment.StringMap("spec.selector.matchLabels"), manifest.PodLabels));
        Assert.Contains(manifest.Service.Items("spec.ports"), p => p.Text("name") == "http-admin");
    }

    [Fact]
    public void AmbientWaypoint_SlotgateService_ListsHbonePort15008()
    {
        var manifest = new SlotgateManifest(Kustomize.Render(Overlay));

        var hbone = Assert.Single(manifest.Service.Items("spec.ports"), p => p.Text("port") == "15008");
        Assert.Equal("TCP", hbone.Text("protocol"));
        Assert.Contains(manifest.Service.Items("spec.ports"), p => p.Text("port") == "7000");
    }

    [Fact]
    public void AmbientWaypoint_SlotgatePods_CarryAmbientAndGatewayNameLabels()
    {
        var objects = Kustomize.Render(Overlay);
        var manifest = new SlotgateManifest(objects);

        Assert.Equal("ambient", manifest.PodLabels["istio.io/dataplane-mode"]);
        Assert.Equal(GatewayName, manifest.PodLabels["gateway.networking.k8s.io/gateway-name"]);
        objects.Single("Gateway", GatewayName);
    }

    [Fact]
    public void AmbientWaypoint_Gateway_TcpListenerOnRespPortOfShippedClass()
    {
        var objects = Kustomize.Render(Overlay);
        var manifest = new SlotgateManifest(objects);
        var gateway = objects.Single("Gateway", GatewayName);

        objects.Single("GatewayClass", gateway.RequiredText("spec.gatewayClassName"));
        var listener = Assert.Single(gateway.Items("spec.listeners"));
        Assert.Equal("TCP", listener.Text("protocol"));
        Assert.Contains(int.Parse(listener.RequiredText("port")), manifest.ListenPorts);
        Assert.Equal("All", listener.Text("allowedRoutes.namespaces.from"));
    }

    [Fact]
    public void AmbientWaypoint_FrontService_SelectorlessInDefaultPointingAtWaypoint()
    {
        var objects = Kustomize.Render(Overlay);
        var manifest = new SlotgateManifest(objects);
        var front = objects.Single("Service", "redis");

        Assert.Equal("default", front.Text("metadata.namespace"));
        Assert.Equal(GatewayName, front.StringMap("metadata.labels")["istio.io/use-waypoint"]);
        Assert.Null(front.At("spec.selector"));
        var port = Assert.Single(front.Items("spec.ports"));
        Assert.Equal("7000", port.Text("port"));
        Assert.Equal("default", manifest.Deployment.Text("metadata.namespace"));
    }

    [Fact]
    public void AmbientWaypoint_ServicesOfSlotgatePods_DoNotUseTheWaypoint()
    {
        var objects = Kustomize.Render(Overlay);
        var manifest = new SlotgateManifest(objects);

        // Traffic to the waypoint itself must not be sent to the waypoint again.
        foreach (var service in objects.Where(o => o.Kind() == "Service"))
        {
            if (SlotgateManifest.Selects(service.StringMap("spec.selector"), manifest.PodLabels))
            {
                Assert.False(service.StringMap("metadata.labels").ContainsKey("istio.io/use-waypoint"), service.Name());
            }
        }
    }

    [Fact]
    public void AmbientWaypoint_Seeds_NameTheExampleClusterService()
    {
        var manifest = new SlotgateManifest(Kustomize.Render(Overlay));
        var cluster = Kustomize.Render("examples/redis-cluster");

        string seed = ((YamlDotNet.RepresentationModel.YamlScalarNode)Assert.Single(manifest.Config.Items("cluster.seeds"))).Value!;
        string[] host = seed[..seed.LastIndexOf(':')].Split('.');
        var service = cluster.Single("Service", host[0]);
        Assert.Equal(host[1], service.Text("metadata.namespace"));
        Assert.Equal("external-redis", host[1]);
        Assert.Contains(service.Items("spec.ports"), p => p.Text("port") == SlotgateManifest.PortOf(seed).ToString());
        Assert.False(service.StringMap("metadata.labels").ContainsKey("istio.io/use-waypoint"));
    }

    [Fact]
    public void ExampleCluster_StatefulSet_SixNodesOnPort7000WithInitJob()
    {
        var cluster = Kustomize.Render("examples/redis-cluster");

        var statefulSet = cluster.Single("StatefulSet", "redis-cluster");
        Assert.Equal("6", statefulSet.Text("spec.replicas"));
        cluster.Single("Service", statefulSet.RequiredText("spec.serviceName"));
        var job = cluster.Single("Job", "redis-cluster-init");
        string script = job.Items("spec.template.spec.containers")[0].Items("command")[2].ToString();
        Assert.Contains("--cluster-replicas 1", script, StringComparison.Ordinal);
        Assert.All(cluster.Where(o => o.Kind() != "Namespace"), o => Assert.Equal("external-redis", o.Text("metadata.namespace")));
    }
}
