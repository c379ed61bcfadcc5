namespace Slotgate.Tests.Proxy;

/// <summary>
/// Commands broadcast to every primary (scripts, functions, keyspace-wide reads) against the shared cluster: after a
/// broadcast, EVALSHA and FCALL work on whichever shard their key lives.
/// </summary>
[Collection(ProxyCollection.Name)]
public class BroadcastCommandTests(ProxyFixture fixture)
{
    [Fact]
    public async Task ScriptLoad_ThenEvalShaOnKeysOfEveryShard_Runs()
    {
        await using var client = await fixture.ConnectRawAsync();
        string id = Guid.NewGuid().ToString("N")[..8];
        string script = $"-- {id}\nreturn redis.call('SET', KEYS[1], ARGV[1])";

        RespValue sha = await client.CallAsync("SCRIPT", "LOAD", script);

        Assert.Equal('$', sha.Type);
        Assert.Equal(40, sha.Text!.Length);
        foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
        {
            string key = TestKeys.OwnedBy(fixture.Server, primary.Endpoint, "evalsha:" + id);
            Assert.Equal("OK", (await client.CallAsync("EVALSHA", sha.Text, "1", key, "from-script")).Text);
            Assert.Equal("from-script", (await client.CallAsync("GET", key)).Text);
            Assert.Equal("1", (await primary.SendAsync(["SCRIPT", "EXISTS", sha.Text])).ItemsOrEmpty[0].Integer.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task ScriptExists_LoadedUnknownAndOnOnePrimaryOnly_ElementwiseAnd()
    {
        await using var client = await fixture.ConnectRawAsync();
        string id = Guid.NewGuid().ToString("N")[..8];
        string everywhere = (await client.CallAsync("SCRIPT", "LOAD", $"return '{id}-all'")).Text!;
        // Loaded straight into one primary, behind Slotgate's back: EVALSHA could fail on the others, so "not there".
        string onOne = (await fixture.Cluster.Primaries[0].SendAsync(["SCRIPT", "LOAD", $"return '{id}-one'"])).Text!;

        RespValue exists = await client.CallAsync("SCRIPT", "EXISTS", everywhere, new string('0', 40), onOne);

        Assert.Equal([1L, 0L, 0L], exists.Items!.Select(i => i.Integer));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ASYNC")]
    [InlineData("SYNC")]
    public async Task ScriptFlush_AfterLoad_NoPrimaryKeepsTheScript(string? mode)
    {
        await using var client = await fixture.ConnectRawAsync();
        string sha = (await client.CallAsync("SCRIPT", "LOAD", $"return '{Guid.NewGuid():N}'")).Text!;

        RespValue flushed = await client.CallAsync(mode is null ? ["SCRIPT", "FLUSH"] : ["SCRIPT", "FLUSH", mode]);

        Assert.Equal("OK", flushed.Text);
        Assert.Equal(0, (await client.CallAsync("SCRIPT", "EXISTS", sha)).Items![0].Integer);
        foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
        {
            Assert.Equal(0, (await primary.SendAsync(["SCRIPT", "EXISTS", sha])).ItemsOrEmpty[0].Integer);
        }
    }

    [Fact]
    public async Task FunctionLoad_ThenFcallOnKeysOfEveryShard_RunsUntilDeleted()
    {
        await using var client = await fixture.ConnectRawAsync();
        string id = Guid.NewGuid().ToString("N")[..8];
        string library = "sglib_" + id;
        string function = "sgset_" + id;
        string code = $"#!lua name={library}\nredis.register_function('{function}', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";

        Assert.Equal(library, (await client.CallAsync("FUNCTION", "LOAD", code)).Text);
        foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
        {
            string key = TestKeys.OwnedBy(fixture.Server, primary.Endpoint, "fcall:" + id);
            Assert.Equal("OK", (await client.CallAsync("FCALL", function, "1", key, "from-function")).Text);
            Assert.Equal("from-function", (await client.CallAsync("GET", key)).Text);
        }
        RespValue list = await client.CallAsync("FUNCTION", "LIST", "LIBRARYNAME", library);
        Assert.Single(list.Items!);
        Assert.StartsWith("ERR Library '" + library + "' already exists", (await client.CallAsync("FUNCTION", "LOAD", code)).Text);
        Assert.Equal(library, (await client.CallAsync("FUNCTION", "LOAD", "REPLACE", code)).Text);

        Assert.Equal("OK", (await client.CallAsync("FUNCTION", "DELETE", library)).Text);

        string anyKey = TestKeys.OwnedBy(fixture.Server, fixture.Cluster.Primaries[1].Endpoint, "fcall:" + id);
        RespValue gone = await client.CallAsync("FCALL", function, "1", anyKey, "x");
        Assert.True(gone.IsError);
        Assert.Contains("Function not found", gone.Text);
        Assert.Empty((await client.CallAsync("FUNCTION", "LIST", "LIBRARYNAME", library)).Items!);
        Assert.Equal("ERR Library not found", (await client.CallAsync("FUNCTION", "DELETE", library)).Text);
    }

    [Fact]
    public async Task FunctionFlush_AfterLoad_EveryPrimaryIsEmpty()
    {
        await using var client = await fixture.ConnectRawAsync();
        string library = "sgflush_" + Guid.NewGuid().ToString("N")[..8];
        await client.CallAsync("FUNCTION", "LOAD", $"#!lua name={library}\nredis.register_function('{library}_f', function() return 1 end)");

        Assert.Equal("OK", (await client.CallAsync("FUNCTION", "FLUSH")).Text);

        foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
        {
            Assert.Empty((await primary.SendAsync(["FUNCTION", "LIST"])).ItemsOrEmpty);
        }
    }

    [Fact]
    public async Task Keys_PatternMatchingKeysOnEveryShard_ReturnsAllOfThem()
    {
        await using var client = await fixture.ConnectRawAsync();
        string prefix = "keys:" + Guid.NewGuid().ToString("N")[..8];
        var expected = new List<string>();
        foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
        {
            for (int i = 0; i < 5; i++)
            {
                string key = TestKeys.OwnedBy(fixture.Server, primary.Endpoint, $"{prefix}:{primary.Port}:{i}");
                Assert.Equal("OK", (await client.CallAsync("SET", key, "v")).Text);
                expected.Add(key);
            }
        }

        RespValue keys = await client.CallAsync("KEYS", prefix + ":*");

        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Items!.Select(k => k.Text!).Order(StringComparer.Ordinal));
        Assert.Empty((await client.CallAsync("KEYS", prefix + "-nothing*")).Items!);
    }

    [Fact]
    public async Task RandomKey_KeysExist_ReturnsAnExistingKey()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("SET", "randomkey:" + Guid.NewGuid().ToString("N"), "v");

        for (int i = 0; i < 10; i++)
        {
            RespValue key = await client.CallAsync("RANDOMKEY");
            Assert.Equal('$', key.Type);
            Assert.NotNull(key.Text);
            Assert.Equal(1, (await client.CallAsync("EXISTS", key.Text!)).Integer);
        }
    }

    [Fact]
    public async Task Time_AnyPrimary_ReturnsSecondsAndMicroseconds()
    {
        await using var client = await fixture.ConnectRawAsync();

        RespValue time = await client.CallAsync("TIME");

        Assert.Equal(2, time.Items!.Count);
        long seconds = long.Parse(time.Items[0].Text!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
    }

    [Fact]
    public async Task LastSave_SeveralPrimaries_ReturnsTheOldest()
    {
        await using var client = await fixture.ConnectRawAsync();
        long oldest = long.MaxValue;
        foreach (LocalRedisNode primary in fixture.Cluster.Primaries)
        {
            oldest = Math.Min(oldest, (await primary.SendAsync(["LASTSAVE"])).Integer);
        }

        RespValue lastSave = await client.CallAsync("LASTSAVE");

        Assert.Equal(':', lastSave.Type);
        Assert.Equal(oldest, lastSave.Integer);
    }
}
