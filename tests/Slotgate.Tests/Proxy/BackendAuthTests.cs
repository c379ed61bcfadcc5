using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// Slotgate in front of a cluster whose nodes demand a password (<c>requirepass</c>/<c>masterauth</c>) and where
/// Slotgate logs in as an ACL user whose name and password come from files, as from a mounted Kubernetes Secret.
/// </summary>
public sealed class BackendAuthTests : IDisposable
{
    private const string NodePassword = "node-admin-secret";
    private readonly string _directory = Directory.CreateTempSubdirectory("slotgate-auth-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task PasswordFile_EveryConnectionKind_AuthenticatesAndNoSecretShown()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { Password = NodePassword });
        await SetUserPasswordAsync(cluster, "first-user-secret");
        string usernameFile = Write("username", "slotgate\n");
        string passwordFile = Write("password", "first-user-secret\n");
        var logs = new ConcurrentQueue<string>();
        SlotgateOptions options = Options(cluster, usernameFile, passwordFile);
        await using SlotgateServer server = await StartAsync(options, logs);
        // Reads go to replicas (readFrom: replica), which the cluster reports as up once their replication link is.
        await Wait.UntilReplicasHealthyAsync(server, TimeSpan.FromSeconds(30));

        await ConnectionKinds.ExerciseAllAsync(server.Endpoints[0], "auth");

        // Every connection Slotgate holds on the nodes is the ACL user's, none the default user's.
        int slotgateConnections = 0;
        foreach (LocalRedisNode node in cluster.Nodes)
        {
            string clients = await node.ExecuteAsync(["CLIENT", "LIST"]);
            slotgateConnections += clients.Split('\n').Count(line => line.Contains(" user=slotgate ", StringComparison.Ordinal));
        }
        Assert.True(slotgateConnections >= cluster.Nodes.Count, $"only {slotgateConnections} connections as user slotgate");

        // The secret shows nowhere: logs, the rendered configuration, the options' ToString, INFO and CLIENT LIST.
        await using RespTestClient client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        string info = (await client.CallAsync("INFO")).Text!;
        string clientList = (await client.CallAsync("CLIENT", "LIST")).Text!;
        string rendered = SlotgateConfiguration.Render(options with { Cluster = options.Cluster with { Password = "inline-secret", PasswordFile = null } });
        foreach (string text in logs.Append(info).Append(clientList).Append(rendered).Append(options.ToString()).Append(SlotgateConfiguration.Render(options)))
        {
            Assert.DoesNotContain("user-secret", text, StringComparison.Ordinal);
            Assert.DoesNotContain("inline-secret", text, StringComparison.Ordinal);
        }
        Assert.Contains("password: \"***\"", rendered, StringComparison.Ordinal);
        Assert.Contains($"passwordFile: \"{passwordFile}\"", SlotgateConfiguration.Render(options), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordFile_ChangedWhileRunning_NewBackendConnectionsUseNewPassword()
    {
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { Password = NodePassword });
        await SetUserPasswordAsync(cluster, "old-user-secret");
        string passwordFile = Write("password", "old-user-secret");
        var logs = new ConcurrentQueue<string>();
        await using SlotgateServer server = await StartAsync(Options(cluster, Write("username", "slotgate"), passwordFile, readFrom: "primary"), logs);
        await using RespTestClient client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", "rotate:k", "before")).Text);

        // The node's password changes first; connections Slotgate opens with the old one are refused, by name.
        await SetUserPasswordAsync(cluster, "new-user-secret");
        await KillSlotgateConnectionsAsync(cluster);
        string last = string.Empty;
        await Wait.UntilAsync(async () =>
        {
            RespValue reply = await client.CallAsync("GET", "rotate:k");
            last = reply.ToString();
            return reply.IsError && reply.Text!.Contains("AUTH failed: WRONGPASS", StringComparison.Ordinal);
        }, what: "refused with the old password", state: () => last);

        // Then the Secret: the file is replaced, picked up by the poll, and new connections log in again.
        File.WriteAllText(passwordFile + ".tmp", "new-user-secret");
        File.Move(passwordFile + ".tmp", passwordFile, overwrite: true);
        await Wait.UntilAsync(() => logs.Any(l => l.Contains("Reloaded the cluster credentials", StringComparison.Ordinal)), what: "reload");
        await KillSlotgateConnectionsAsync(cluster);
        await Wait.UntilAsync(async () => (await client.CallAsync("GET", "rotate:k")).Text == "before", what: "commands work again");
        await ConnectionKinds.ExerciseAllAsync(server.Endpoints[0], "rotated");

        Assert.DoesNotContain(logs, l => l.Contains("user-secret", StringComparison.Ordinal));
    }

    private static SlotgateOptions Options(LocalRedisCluster cluster, string usernameFile, string passwordFile, string readFrom = "replica") => new()
    {
        Listen = ["127.0.0.1:0"],
        Admin = new AdminOptions { Listen = "off" },
        Cluster = new ClusterOptions
        {
            Seeds = [cluster.SeedEndpoints[0]],
            RefreshInterval = TimeSpan.FromSeconds(1),
            UsernameFile = usernameFile,
            PasswordFile = passwordFile,
            FileReloadInterval = TimeSpan.FromMilliseconds(200),
        },
        Backend = new BackendOptions { OperationTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(2) },
        Routing = new RoutingOptions { ReadFrom = readFrom },
        // Debug lines too, so the check that no secret is logged covers them.
        Logging = new LoggingOptions { LogLevel = "Debug" },
    };

    private static async Task<SlotgateServer> StartAsync(SlotgateOptions options, ConcurrentQueue<string> logs)
    {
        Assert.Empty(SlotgateConfiguration.Validate(options));
        return await SlotgateServer.StartAsync(options, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(new LogCollector(logs));
        });
    }

    /// <summary>Creates or changes the ACL user Slotgate logs in as, on every node (ACLs are per node, not replicated).</summary>
    private static async Task SetUserPasswordAsync(LocalRedisCluster cluster, string password)
    {
        foreach (LocalRedisNode node in cluster.Nodes)
        {
            await node.ExecuteAsync(["ACL", "SETUSER", "slotgate", "on", "resetpass", ">" + password, "~*", "&*", "+@all"]);
        }
    }

    private static async Task KillSlotgateConnectionsAsync(LocalRedisCluster cluster)
    {
        foreach (LocalRedisNode node in cluster.Nodes)
        {
            await node.ExecuteAsync(["CLIENT", "KILL", "TYPE", "normal"]);
            await node.ExecuteAsync(["CLIENT", "KILL", "TYPE", "pubsub"]);
        }
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
