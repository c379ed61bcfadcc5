using System.Diagnostics;
using System.Globalization;

namespace Slotgate.Tests.Garnet;

/// <summary>
/// A cluster of Microsoft Garnet primaries on 127.0.0.1, formed with <c>redis-cli --cluster create</c> as a user forms
/// one. Garnet comes from the NuGet tool <c>garnet-server</c> (2.2.12), which scripts/test.sh installs into
/// artifacts/tools; one on PATH does too. Ports come from the allocator the Redis fixtures use (client port and bus
/// port +10000), so the two never collide.
/// </summary>
internal sealed class GarnetCluster : IAsyncDisposable
{
    public const string InstallHint =
        "Garnet is not installed: run scripts/test.sh, or 'dotnet tool install garnet-server --version 2.2.12 --tool-path artifacts/tools' in the repository root.";

    private readonly List<Process> _processes = [];
    private readonly string _directory;

    private GarnetCluster(int basePort, int count, string directory)
    {
        Ports = [.. Enumerable.Range(basePort, count)];
        _directory = directory;
    }

    public IReadOnlyList<int> Ports { get; }

    public IReadOnlyList<string> Endpoints => [.. Ports.Select(p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The garnet-server executable: artifacts/tools first, then PATH; null when neither has it.</summary>
    public static string? Locate()
    {
        string local = RepositoryFiles.InRoot("artifacts", "tools", "garnet-server");
        if (File.Exists(local))
        {
            return local;
        }
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "garnet-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public static async Task<GarnetCluster> StartAsync(int primaries = 3)
    {
        string executable = Locate() ?? throw new InvalidOperationException(InstallHint);
        int basePort = LocalPortAllocator.ReserveRedisPorts(primaries);
        string directory = Directory.CreateTempSubdirectory("slotgate-garnet-").FullName;
        var cluster = new GarnetCluster(basePort, primaries, directory);
        try
        {
            foreach (int port in cluster.Ports)
            {
                cluster.StartNode(executable, port);
            }
            foreach (int port in cluster.Ports)
            {
                await Wait.UntilAsync(async () => await cluster.TryCallAsync(port, "PING") is { Text: "PONG" }, TimeSpan.FromSeconds(30),
                    $"Garnet on port {port} did not answer PING");
            }
            (string output, string error, int exit) = await RedisCli.RunAsync(
                ["--cluster", "create", .. cluster.Endpoints, "--cluster-yes"], string.Empty);
            if (exit != 0)
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed ({exit}): {output}{error}");
            }
            await cluster.WaitForConvergenceAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one command to the node at <paramref name="port"/>; a RESP error comes back as a value.</summary>
    public Task<RespValue> CallAsync(int port, params string[] args) =>
        LocalRedisClient.SendAsync(port, args, TimeSpan.FromSeconds(10), CancellationToken.None);

    /// <summary>Until every node says cluster_state:ok and they all agree on who owns slot 0, 8000 and 16383.</summary>
    public Task WaitForConvergenceAsync() => Wait.UntilAsync(async () =>
    {
        var owners = new HashSet<string>(StringComparer.Ordinal);
        foreach (int port in Ports)
        {
            if (await TryCallAsync(port, "CLUSTER", "INFO") is not { Text: { } info } || !info.Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                return false;
            }
            if (await TryCallAsync(port, "CLUSTER", "NODES") is not { Text: { } nodes })
            {
                return false;
            }
            owners.Add(nodes);
        }
        return owners.Count > 0;
    }, TimeSpan.FromSeconds(30), "the Garnet cluster did not converge");

    /// <summary>The node id of the node at <paramref name="port"/>.</summary>
    public async Task<string> NodeIdAsync(int port) => (await CallAsync(port, "CLUSTER", "MYID")).Text!;

    private async Task<RespValue?> TryCallAsync(int port, params string[] args)
    {
        try
        {
            RespValue reply = await LocalRedisClient.SendAsync(port, args, TimeSpan.FromSeconds(2), CancellationToken.None);
            return reply.IsError ? null : reply;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    private void StartNode(string executable, int port)
    {
        string nodeDirectory = Path.Combine(_directory, port.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(nodeDirectory);
        // Small memory settings keep three nodes cheap; RandomAccess is the storage device Garnet's cluster mode runs
        // with on Linux here; the checkpoint directory holds the node's cluster configuration; Lua is off unless asked for.
        string[] args = ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--cluster",
            "--device-type", "RandomAccess", "--memory", "64m", "--index", "1m", "--checkpointdir", Path.Combine(nodeDirectory, "checkpoints"),
            "--lua", "--logger-level", "Warning"];
        // Output is drained (never shown): a full pipe would stall the node. Stdin is never the test host's.
        var info = new ProcessStartInfo(executable, args) { WorkingDirectory = nodeDirectory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.Start();
        ChildProcessRegistry.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Process process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
                await process.WaitForExitAsync();
            }
            finally
            {
                ChildProcessRegistry.Remove(process);
                process.Dispose();
            }
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process: the temporary directory is cleaned by the system later.
        }
    }
}
