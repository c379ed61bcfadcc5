namespace Slotgate.Tests.Proxy;

/// <summary>EVALSHA on a node that lacks the script (never saw it, or lost it in a failover) is repaired transparently.</summary>
[Collection(ProxyCollection.Name)]
public class NoScriptRepairTests(ProxyFixture fixture)
{
    private const string Script = "return 'repaired:' .. KEYS[1]";

    [Fact]
    public async Task Evalsha_ScriptOnlyEverEvaledOnAnotherShard_RunsEverywhere()
    {
        await using var client = await fixture.ConnectRawAsync();
        string body = Script + " -- evaled " + Guid.NewGuid();
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(body)));
        string[] keys = KeysOnEveryPrimary("noscript-a");
        Assert.Equal("repaired:" + keys[0], (await client.CallAsync("EVAL", body, "1", keys[0])).Text);
        foreach (string key in keys)
        {
            Assert.Equal("repaired:" + key, (await client.CallAsync("EVALSHA", sha, "1", key)).Text);
        }
    }

    [Fact]
    public async Task Evalsha_ScriptFlushedOnOneNodeBehindSlotgate_Repaired()
    {
        await using var client = await fixture.ConnectRawAsync();
        string body = Script + " -- loaded " + Guid.NewGuid();
        string sha = (await client.CallAsync("SCRIPT", "LOAD", body)).Text!;
        string[] keys = KeysOnEveryPrimary("noscript-b");
        // What a failover does to a shard: its (new) primary has no scripts.
        LocalRedisNode owner = await fixture.Cluster.GetSlotOwnerAsync(HashSlot.Of(Encoding.UTF8.GetBytes(keys[1])));
        await fixture.Cluster.ExecuteAsync(owner, "SCRIPT", "FLUSH");
        foreach (string key in keys)
        {
            Assert.Equal("repaired:" + key, (await client.CallAsync("EVALSHA", sha, "1", key)).Text);
        }
        RespValue unknown = await client.CallAsync("EVALSHA", new string('0', 40), "1", keys[0]);
        Assert.StartsWith("NOSCRIPT", unknown.Text, StringComparison.Ordinal);
    }

    private string[] KeysOnEveryPrimary(string prefix)
    {
        var keys = new Dictionary<string, string>();
        for (int i = 0; keys.Count < fixture.Server.Topology.Current.Shards.Count; i++)
        {
            string key = $"{prefix}:{i}";
            keys.TryAdd(fixture.Server.Topology.Current.GetShard(HashSlot.Of(Encoding.UTF8.GetBytes(key)))!.Primary.Endpoint, key);
        }
        return [.. keys.Values];
    }
}
