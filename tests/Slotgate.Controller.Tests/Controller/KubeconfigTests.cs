using k8s;
using Slotgate.Controller.Kubernetes;
using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

public sealed class KubeconfigTests(ITestOutputHelper output) : ControllerTest(output)
{
    [Fact]
    public async Task Load_KubeconfigListWithMissingFirstFile_UsesTheFirstExistingFileAndItsContext()
    {
        string directory = Directory.CreateTempSubdirectory("slotgate-kubeconfig-").FullName;
        try
        {
            string file = Path.Combine(directory, "config");
            Server.WriteKubeconfig(file, "slotgate-system", "slotgate-controller");
            string list = string.Join(Path.PathSeparator, Path.Combine(directory, "missing"), file, Path.Combine(directory, "other"));
            var environment = new Dictionary<string, string> { ["KUBECONFIG"] = list, ["HOME"] = directory };

            (KubernetesClientConfiguration config, string source) = ClientConfig.Load(null, null, n => environment.GetValueOrDefault(n), () => false);
            using var client = new k8s.Kubernetes(config);

            Assert.Equal(Server.Host.TrimEnd('/'), config.Host.TrimEnd('/'));
            Assert.Contains(file, source, StringComparison.Ordinal);
            // The service account's token from the file is used: a list the shipped ClusterRole grants succeeds.
            object classes = await client.CustomObjects.ListClusterCustomObjectAsync(Gw, "v1", "gatewayclasses");
            Assert.Contains("slotgate", classes.ToString(), StringComparison.Ordinal);
            Assert.Contains(Server.Requests, r => r.User == ControllerUser && r.Resource == "gatewayclasses" && r.Verb == "list");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Executable_KubeconfigFromEnvironment_ReconcilesThenReleasesTheLeaseOnSigterm()
    {
        string directory = Directory.CreateTempSubdirectory("slotgate-kubeconfig-").FullName;
        string file = Path.Combine(directory, "config");
        Server.WriteKubeconfig(file, "slotgate-system", "slotgate-controller");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "slotgate-controller.dll"), "--log-level", "Debug" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["KUBECONFIG"] = file;
        start.Environment["HOSTNAME"] = "slotgate-controller-5c7d-x1";
        start.Environment["POD_NAMESPACE"] = "slotgate-system";
        start.Environment.Remove("KUBERNETES_SERVICE_HOST");
        using var process = System.Diagnostics.Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Output.WriteLine("[process] " + e.Data);
        process.ErrorDataReceived += (_, e) => Output.WriteLine("[process] " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await EventuallyAsync(() => Summary(ConditionOf(Server.Get(Gw + "/v1", "GatewayClass", null, "slotgate")["status"], "Accepted")).Status == "True",
                "the GatewayClass accepted by the slotgate-controller process", TimeSpan.FromSeconds(30));
            Assert.Equal("slotgate-controller-5c7d-x1",
                (string?)Server.Get("coordination.k8s.io/v1", "Lease", "slotgate-system", "slotgate-controller")["spec"]!["holderIdentity"]);

            // As the kubelet stops a pod.
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));

            Assert.Equal(0, process.ExitCode);
            Assert.Equal("", (string?)Server.Get("coordination.k8s.io/v1", "Lease", "slotgate-system", "slotgate-controller")["spec"]!["holderIdentity"] ?? "");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Load_NothingConfigured_ClearError()
    {
        string directory = Directory.CreateTempSubdirectory("slotgate-kubeconfig-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["KUBECONFIG"] = Path.Combine(directory, "missing"), ["HOME"] = directory };

            var error = Assert.Throws<InvalidOperationException>(() => ClientConfig.Load(null, null, n => environment.GetValueOrDefault(n), () => false));

            Assert.Contains("KUBECONFIG names no existing file", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Parse_Flags_OptionsAndIdentityFromEnvironment()
    {
        var environment = new Dictionary<string, string> { ["HOSTNAME"] = "slotgate-controller-7d9f-abcde", ["POD_NAMESPACE"] = "gateways" };

        (CommandLine? line, string? error) = CommandLine.Parse(
            ["--kubeconfig", "/etc/kube/config", "--context=prod", "--lease-duration", "30s", "--resync-period", "10m"], n => environment.GetValueOrDefault(n));

        Assert.Null(error);
        Assert.Equal(("/etc/kube/config", "prod"), (line!.Kubeconfig, line.Context));
        Assert.Equal(("slotgate-controller-7d9f-abcde", "gateways"), (line.Options.Identity, line.Options.LeaseNamespace));
        Assert.Equal(TimeSpan.FromSeconds(30), line.Options.LeaseDuration);
        Assert.True(line.Options.RenewDeadline < line.Options.LeaseDuration);
        Assert.Equal(TimeSpan.FromMinutes(10), line.Options.ResyncPeriod);
        Assert.NotNull(CommandLine.Parse(["--interval", "5"], _ => null).Error);
    }
}
