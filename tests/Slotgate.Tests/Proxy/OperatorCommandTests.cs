using System.Text;
using Slotgate.Demo;
using Slotgate.Protocol;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// The operator's commands against the shared cluster: CONFIG applied to every node, primaries and replicas, with a
/// partial failure named; SCRIPT KILL and FUNCTION KILL stopping a script that runs on one primary; the function
/// library dumped and restored. Every test puts back what it changes, as the cluster is shared.
/// </summary>
[Collection(ProxyCollection.Name)]
public class OperatorCommandTests(ProxyFixture fixture)
{
    [Fact]
    public async Task ConfigSet_MaxmemoryPolicy_EveryNodeHasIt()
    {
        await using var client = await fixture.ConnectRawAsync();
        try
        {
            RespValue set = await client.CallAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");

            Assert.Equal("OK", set.Text);
            foreach (LocalRedisNode node in fixture.Cluster.Nodes)
            {
                RespValue value = await node.SendAsync(["CONFIG", "GET", "maxmemory-policy"]);
                Assert.True("allkeys-lru" == value.ItemsOrEmpty[1].Text, $"{node.Endpoint}: {value}");
            }
            RespValue get = await client.CallAsync("CONFIG", "GET", "maxmemory-policy");
            Assert.Equal(["maxmemory-policy", "allkeys-lru"], get.ItemsOrEmpty.Select(i => i.Text));
        }
        finally
        {
            await SetOnEveryNodeAsync("maxmemory-policy", "noeviction");
        }
    }

    [Fact]
    public async Task ConfigSet_UnknownParameter_NodesOwnErrorUnchanged()
    {
        await using var client = await fixture.ConnectRawAsync();

        RespValue reply = await client.CallAsync("CONFIG", "SET", "no-such-parameter", "1");

        RespValue direct = await AskAsync(fixture.Cluster.Primaries[0], "CONFIG", "SET", "no-such-parameter", "1");
        Assert.True(reply.IsError);
        Assert.Equal(direct.Text, reply.Text);
    }

    [Fact]
    public async Task ConfigSet_OneReplicaRefuses_ErrorNamesItAndTheOthersApplied()
    {
        await using var client = await fixture.ConnectRawAsync();
        LocalRedisNode refusing = fixture.Cluster.Replicas[0];
        Assert.Equal("OK", (await refusing.SendAsync(["ACL", "SETUSER", "default", "-config|set"])).Text);
        try
        {
            RespValue reply = await client.CallAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");

            Assert.True(reply.IsError, reply.ToString());
            Assert.StartsWith($"ERR Slotgate: CONFIG SET failed on {refusing.Endpoint}: NOPERM", reply.Text, StringComparison.Ordinal);
            Assert.EndsWith($"applied on the other {fixture.Cluster.Nodes.Count - 1} nodes", reply.Text, StringComparison.Ordinal);
            Assert.Equal("allkeys-lfu", (await fixture.Cluster.Primaries[0].SendAsync(["CONFIG", "GET", "maxmemory-policy"])).ItemsOrEmpty[1].Text);
        }
        finally
        {
            await refusing.SendAsync(["ACL", "SETUSER", "default", "+@all"]);
            await SetOnEveryNodeAsync("maxmemory-policy", "noeviction");
        }
    }

    [Fact]
    public async Task ConfigGet_Pattern_NodesParametersOnce()
    {
        await using var client = await fixture.ConnectRawAsync();

        RespValue reply = await client.CallAsync("CONFIG", "GET", "maxmemory*");

        RespValue direct = await fixture.Cluster.Primaries[0].SendAsync(["CONFIG", "GET", "maxmemory*"]);
        var names = reply.ItemsOrEmpty.Where((_, i) => i % 2 == 0).Select(i => i.Text).ToList();
        Assert.Equal(direct.ItemsOrEmpty.Where((_, i) => i % 2 == 0).Select(i => i.Text).Order(), names.Order());
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Empty((await client.CallAsync("CONFIG", "GET", "no-such-parameter")).ItemsOrEmpty);
    }

    [Fact]
    public async Task ConfigGet_Resp3_AMap()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("HELLO", "3");

        RespValue reply = await client.CallAsync("CONFIG", "GET", "maxmemory-policy");

        Assert.Equal('%', reply.Type);
        Assert.Equal(["maxmemory-policy", "noeviction"], reply.ItemsOrEmpty.Select(i => i.Text));
    }

    [Fact]
    public async Task ConfigResetStatAndRewrite_Any_OkFromEveryNode()
    {
        await using var client = await fixture.ConnectRawAsync();

        Assert.Equal("OK", (await client.CallAsync("CONFIG", "RESETSTAT")).Text);
        RespValue rewrite = await client.CallAsync("CONFIG", "REWRITE");

        // The test nodes may run without a configuration file, which each refuses alike; either way one answer.
        RespValue direct = await AskAsync(fixture.Cluster.Primaries[0], "CONFIG", "REWRITE");
        Assert.Equal(direct.Text, rewrite.Text);
    }

    [Theory]
    [InlineData("SCRIPT")]
    [InlineData("FUNCTION")]
    public async Task Kill_NothingRunning_NotBusy(string container)
    {
        await using var client = await fixture.ConnectRawAsync();

        RespValue reply = await client.CallAsync(container, "KILL");

        Assert.Equal("NOTBUSY No scripts in execution right now.", reply.Text);
    }

    [Fact]
    public async Task ScriptKill_LongRunningEval_StoppedAndClientsRecover()
    {
        LocalRedisNode primary = fixture.Cluster.Primaries[1];
        string key = TestKeys.OwnedBy(fixture.Server, primary.Endpoint, "busy:" + Guid.NewGuid().ToString("N")[..8]);
        await using var runner = await fixture.ConnectRawAsync();
        await using var other = await fixture.ConnectRawAsync();
        await using var killer = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await killer.CallAsync("CONFIG", "SET", "busy-reply-threshold", "100")).Text);
        try
        {
            Task<RespValue> eval = runner.CallAsync("EVAL", "while true do end", "1", key);
            await Wait.UntilAsync(async () => (await AskAsync(primary, "PING")).Text?.StartsWith("BUSY", StringComparison.Ordinal) == true,
                TimeSpan.FromSeconds(10), "the script keeps its node busy");
            // Another client meets the running script: BUSY, or (sharing the script's connection) its turn after it.
            Task<RespValue> meanwhile = other.CallAsync("GET", key);

            RespValue killed = await killer.CallAsync("SCRIPT", "KILL");

            Assert.Equal("OK", killed.Text);
            RespValue stopped = await eval.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(stopped.IsError);
            Assert.Contains("Script killed by user", stopped.Text, StringComparison.Ordinal);
            RespValue met = await meanwhile.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(met.IsNull || met.Text!.StartsWith("BUSY", StringComparison.Ordinal), met.ToString());
            Assert.True((await other.CallAsync("GET", key)).IsNull);
            Assert.Equal("PONG", (await runner.CallAsync("PING")).Text);
        }
        finally
        {
            await AskAsync(primary, "SCRIPT", "KILL");
            await SetOnEveryNodeAsync("busy-reply-threshold", "5000");
        }
    }

    [Fact]
    public async Task FunctionKill_LongRunningFcall_StoppedAndStatsShowedIt()
    {
        string library = "busy" + Guid.NewGuid().ToString("N")[..8];
        LocalRedisNode primary = fixture.Cluster.Primaries[2];
        string key = TestKeys.OwnedBy(fixture.Server, primary.Endpoint, "busyfn:" + library);
        await using var runner = await fixture.ConnectRawAsync();
        await using var admin = await fixture.ConnectRawAsync();
        Assert.Equal(library, (await admin.CallAsync("FUNCTION", "LOAD",
            $"#!lua name={library}\nredis.register_function{{function_name='{library}_spin', callback=function() while true do end end, flags={{'no-writes'}}}}")).Text);
        Assert.Equal("OK", (await admin.CallAsync("CONFIG", "SET", "busy-reply-threshold", "100")).Text);
        try
        {
            Task<RespValue> fcall = runner.CallAsync("FCALL", library + "_spin", "1", key);
            await Wait.UntilAsync(async () => (await AskAsync(primary, "PING")).Text?.StartsWith("BUSY", StringComparison.Ordinal) == true,
                TimeSpan.FromSeconds(10), "the function keeps its node busy");

            RespValue stats = await admin.CallAsync("FUNCTION", "STATS");
            RespValue killed = await admin.CallAsync("FUNCTION", "KILL");

            Assert.True(stats.ItemsOrEmpty.Count > 1, stats.ToString());
            Assert.Equal("running_script", stats.ItemsOrEmpty[0].Text);
            Assert.Equal(library + "_spin", stats.ItemsOrEmpty[1].ItemsOrEmpty[1].Text);
            Assert.Equal("OK", killed.Text);
            Assert.True((await fcall.WaitAsync(TimeSpan.FromSeconds(10))).IsError);
            Assert.True((await admin.CallAsync("FUNCTION", "STATS")).ItemsOrEmpty[1].IsNull);
        }
        finally
        {
            await AskAsync(primary, "FUNCTION", "KILL");
            await SetOnEveryNodeAsync("busy-reply-threshold", "5000");
            await admin.CallAsync("FUNCTION", "DELETE", library);
        }
    }

    [Fact]
    public async Task FunctionDumpRestore_AfterDelete_LibraryBackOnEveryPrimary()
    {
        string library = "dumped" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("FUNCTION", "LOAD", $"#!lua name={library}\nredis.register_function('{library}_one', function() return 1 end)");
        try
        {
            await client.SendAsync("FUNCTION", "DUMP");
            byte[] payload = BulkPayload(await client.ReadRawAsync());
            Assert.Equal("OK", (await client.CallAsync("FUNCTION", "DELETE", library)).Text);

            await client.SendRawAsync(Restore(payload));
            RespValue restored = await client.ReadAsync();

            Assert.Equal("OK", restored.Text);
            foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
            {
                RespValue listed = await primary.SendAsync(["FUNCTION", "LIST", "LIBRARYNAME", library]);
                Assert.Single(listed.ItemsOrEmpty);
            }
        }
        finally
        {
            await client.CallAsync("FUNCTION", "DELETE", library);
        }
    }

    [Fact]
    public async Task MemoryDoctor_Any_EveryNodesReportUnderItsAddress()
    {
        await using var client = await fixture.ConnectRawAsync();

        RespValue report = await client.CallAsync("MEMORY", "DOCTOR");

        Assert.Equal('$', report.Type);
        foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
        {
            Assert.Contains(primary.Endpoint + ":\n", report.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MemoryPurgeAndLatencyReset_Any_EveryNodeAnswers()
    {
        await using var client = await fixture.ConnectRawAsync();

        Assert.Equal("OK", (await client.CallAsync("MEMORY", "PURGE")).Text);
        Assert.Equal(':', (await client.CallAsync("LATENCY", "RESET")).Type);
        Assert.Equal('*', (await client.CallAsync("OBJECT", "HELP")).Type);
        Assert.Equal('*', (await client.CallAsync("MEMORY", "HELP")).Type);
    }

    [Fact]
    public async Task ObjectAndMemoryUsage_Key_FromItsPrimary()
    {
        await using var client = await fixture.ConnectRawAsync();
        string key = "object:" + Guid.NewGuid().ToString("N")[..8];
        await client.CallAsync("SET", key, "12345");

        Assert.Equal("int", (await client.CallAsync("OBJECT", "ENCODING", key)).Text);
        Assert.True((await client.CallAsync("MEMORY", "USAGE", key)).Integer > 0);
        await client.CallAsync("DEL", key);
    }

    private async Task SetOnEveryNodeAsync(string parameter, string value)
    {
        foreach (LocalRedisNode node in fixture.Cluster.Nodes)
        {
            await AskAsync(node, "CONFIG", "SET", parameter, value);
        }
    }

    /// <summary>One command straight to <paramref name="node"/>; an error is returned as the reply, not thrown.</summary>
    private static Task<RespValue> AskAsync(LocalRedisNode node, params string[] args) =>
        LocalRedisClient.SendAsync(node.Port, args, TimeSpan.FromSeconds(5), CancellationToken.None);

    private static byte[] BulkPayload(byte[] reply)
    {
        int end = Array.IndexOf(reply, (byte)'\r');
        int length = int.Parse(Encoding.ASCII.GetString(reply, 1, end - 1), System.Globalization.CultureInfo.InvariantCulture);
        return reply.AsSpan(end + 2, length).ToArray();
    }

    private static byte[] Restore(byte[] payload)
    {
        var request = new List<byte>(Encoding.ASCII.GetBytes($"*4\r\n$8\r\nFUNCTION\r\n$7\r\nRESTORE\r\n${payload.Length}\r\n"));
        request.AddRange(payload);
        request.AddRange("\r\n$7\r\nREPLACE\r\n"u8.ToArray());
        return [.. request];
    }
}
