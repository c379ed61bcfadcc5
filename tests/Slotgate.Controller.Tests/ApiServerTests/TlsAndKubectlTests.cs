using System.Diagnostics;
using k8s;
using Slotgate.Controller.Tests.ApiServer;
using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>The server over HTTPS with its own CA: KubernetesClient through a kubeconfig, and kubectl (which sends credentials only over TLS).</summary>
public sealed class TlsAndKubectlTests : ServerTest
{
    protected override TestApiServerOptions Options => new() { Tls = true };

    /// <summary>Runs kubectl with a kubeconfig, and a discovery cache next to it rather than in the home directory.</summary>
    private static (int ExitCode, string Output) Kubectl(string kubeconfig, params string[] arguments)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        start.ArgumentList.Add("--cache-dir");
        start.ArgumentList.Add(kubeconfig + ".cache");
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public async Task Kubeconfig_Https_ClientTrustsTheServersCa()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        try
        {
            Server.WriteKubeconfig(path, "default", "reader");
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

            var (code, status) = await FailsAsync(() => client.CoreV1.ListNamespacedConfigMapAsync("default"));

            Assert.StartsWith("https://", Server.Host, StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, code);
            Assert.Contains("system:serviceaccount:default:reader", (string?)status["message"], StringComparison.Ordinal);
            Assert.NotEmpty((await Admin.CoreV1.ListNamespaceAsync()).Items);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Kubectl_ServerSideApplyOfTheControllerKustomization_CreatesEverythingThenChangesNothing()
    {
        Server.InstallGatewayApiCrds();
        string path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        try
        {
            Server.WriteAdminKubeconfig(path);
            string directory = RepositoryFiles.InRoot("deploy", "kubernetes", "controller");

            var first = Kubectl(path, "apply", "--server-side", "--validate=false", "-k", directory);
            long version = Server.ResourceVersion;
            var second = Kubectl(path, "apply", "--server-side", "--validate=false", "-k", directory);
            var get = Kubectl(path, "get", "deploy", "-n", "slotgate-system", "-o", "name");

            Assert.True(first.ExitCode == 0, first.Output);
            Assert.Contains("clusterrole.rbac.authorization.k8s.io/slotgate-controller serverside-applied", first.Output, StringComparison.Ordinal);
            Assert.True(second.ExitCode == 0, second.Output);
            Assert.Equal(version, Server.ResourceVersion);
            Assert.Equal("deployment.apps/slotgate-controller", get.Output.Trim());
            Assert.All(Server.Requests.Where(r => r.Verb == "patch"), r => Assert.Equal("kubectl", r.FieldManager));
        }
        finally
        {
            File.Delete(path);
            if (Directory.Exists(path + ".cache"))
            {
                Directory.Delete(path + ".cache", recursive: true);
            }
        }
    }
}
