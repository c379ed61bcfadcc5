using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Slotgate.Backend;
using Slotgate.Commands;
using Slotgate.Security;

namespace Slotgate.Tests.Garnet;

/// <summary>A slot moved between Garnet primaries behind Slotgate's back, and the command table following topology changes.</summary>
[Collection(GarnetCollection.Name)]
public class GarnetTopologyTests(GarnetFixture garnet)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Get_SlotMigratedBetweenNodes_FollowsAskThenMoved()
    {
        GarnetCluster cluster = garnet.Cluster;
        string source = garnet.Cluster.Endpoints[0];
        string target = garnet.Cluster.Endpoints[1];
        string key = TestKeys.OwnedBy(garnet.Server, source, "garnet:migrate");
        string other = key + "{x}"; // another slot, for nothing but making sure it is not confused
        int slot = HashSlot.Of(Encoding.UTF8.GetBytes(key));
        string slotText = slot.ToString(CultureInfo.InvariantCulture);
        int sourcePort = Port(source);
        int targetPort = Port(target);
        string sourceId = await cluster.NodeIdAsync(sourcePort);
        string targetId = await cluster.NodeIdAsync(targetPort);
        await using RespTestClient client = await garnet.ConnectAsync();
        Assert.Equal("OK", (await client.CallAsync("SET", key, "before")).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", other, "unrelated")).Text);

        // Redis's procedure, which Garnet implements: IMPORTING on the target, MIGRATING on the source, MIGRATE the keys.
        Assert.Equal("OK", (await cluster.CallAsync(targetPort, "CLUSTER", "SETSLOT", slotText, "IMPORTING", sourceId)).Text);
        Assert.Equal("OK", (await cluster.CallAsync(sourcePort, "CLUSTER", "SETSLOT", slotText, "MIGRATING", targetId)).Text);
        RespValue migrated = await cluster.CallAsync(sourcePort, "MIGRATE", "127.0.0.1", targetPort.ToString(CultureInfo.InvariantCulture), "", "0", "5000", "KEYS", key);
        Assert.Equal("OK", migrated.Text);

        // Mid-migration the source answers ASK for the moved key; Slotgate follows it with ASKING to the target.
        Assert.Equal("before", (await client.CallAsync("GET", key)).Text);

        foreach (int port in cluster.Ports)
        {
            Assert.Equal("OK", (await cluster.CallAsync(port, "CLUSTER", "SETSLOT", slotText, "NODE", targetId)).Text);
        }
        // Slotgate's map still names the source: its MOVED sends the command on, and the map catches up.
        Assert.Equal("before", (await client.CallAsync("GET", key)).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", key, "after")).Text);
        Assert.Equal("after", (await cluster.CallAsync(targetPort, "GET", key)).Text);
        await Wait.UntilAsync(() => garnet.Server.Topology.Current.GetShard(slot)?.Primary.Endpoint == target, Patience,
            "Slotgate's map to give the migrated slot to its new owner");
        Assert.Equal("unrelated", (await client.CallAsync("GET", other)).Text);
    }

    [Fact]
    public async Task Refresher_TopologyChanged_LearnsCommandsTheSeedLacks()
    {
        // A table that has never seen Garnet (Redis 7.0's) stands for the one a Slotgate had before the cluster was
        // upgraded; a topology change makes it ask the nodes again.
        await using var pool = new BackendPool(new BackendSettings(), new SocketBackendConnector(), NullLogger<BackendPool>.Instance);
        await using var topology = new TopologyRefresher(pool, new TopologySettings { Seeds = [garnet.Cluster.Endpoints[0]], Timeout = TimeSpan.FromSeconds(5) },
            NullLogger<TopologyRefresher>.Instance);
        Assert.True(await topology.RefreshAsync(), topology.LastError);
        var source = new CommandTableSource(ProxyCommandAdditions.AddTo(CommandTable.BuiltIn));
        CommandTable table = source.Table;
        var routes = new Slotgate.Routing.CommandRouteTable(table, []);
        UserDirectory users = new([AclRules.Build("reader", "on +@read +hpersist allkeys", false, new PasswordSet(["p"], [], []), table, [], deferUnknownCommands: true)!]);
        table.Changed += users.Rebind;
        // The table's contents change first and its Changed handlers (the users' rebinding) run after: wait for them.
        var rebound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        table.Changed += changed =>
        {
            if (changed.Find("httl") is not null)
            {
                rebound.TrySetResult();
            }
        };
        await using var refresher = new CommandTableRefresher(source, topology, pool, NullLogger<CommandTableRefresher>.Instance, TimeProvider.System)
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
            MinInterval = TimeSpan.Zero,
        };
        Assert.Null(table.Find("httl"));

        refresher.Start();
        topology.ApplyMoved(0, topology.Current.GetShard(0)!.Primary.Endpoint == garnet.Cluster.Endpoints[0] ? garnet.Cluster.Endpoints[1] : garnet.Cluster.Endpoints[0]);
        await rebound.Task.WaitAsync(Patience); // the refresher learned HTTL, and the users know it

        CommandInfo httl = table.Find("httl")!;
        Assert.Equal(1, httl.SingleKeyIndex);
        Assert.Equal(Slotgate.Routing.RouteKind.Forward, routes.For(httl).Kind);
        var frame = new RequestFrame();
        frame.Set("HTTL", "h", "FIELDS", "1", "f");
        AclUser reader = users.Find("reader")!;
        Assert.Null(reader.Check(httl, frame)); // a read command learned after the user was built: +@read covers it
        frame.Set("HPERSIST", "h", "FIELDS", "1", "f");
        Assert.Null(reader.Check(table.Find("hpersist")!, frame)); // named before it was known
        frame.Set("HEXPIRE", "h", "1", "FIELDS", "1", "f");
        Assert.NotNull(reader.Check(table.Find("hexpire")!, frame)); // a write
    }

    private static int Port(string endpoint) => int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
}
