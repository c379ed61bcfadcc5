using k8s;
using Slotgate.Controller.Kubernetes;

// slotgate-controller: the Gateway API controller for Slotgate (docs/kubernetes.md, "Controller mode").
// In a pod it uses the pod's service account; elsewhere the current kubeconfig context.
if (args is ["-h" or "--help"])
{
    Console.WriteLine("usage: slotgate-controller [--interval SECONDS]   (default 5)");
    return 0;
}
int seconds = args is ["--interval", var value] && int.TryParse(value, out int parsed) && parsed > 0 ? parsed : 5;
KubernetesClientConfiguration config = KubernetesClientConfiguration.IsInCluster()
    ? KubernetesClientConfiguration.InClusterConfig()
    : KubernetesClientConfiguration.BuildConfigFromConfigFile();
using var client = new Kubernetes(config);
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stopping.Cancel();
Console.WriteLine($"slotgate-controller: reconciling GatewayClasses with controllerName {Slotgate.Controller.Reconcile.GatewayApi.ControllerName} every {seconds}s");
try
{
    await new ControllerLoop(client, TimeSpan.FromSeconds(seconds), Console.Error).RunAsync(stopping.Token).ConfigureAwait(false);
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
}
return 0;
