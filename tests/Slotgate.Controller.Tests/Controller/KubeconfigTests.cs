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
