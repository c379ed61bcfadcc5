using System.Net;

namespace Slotgate.Tests.Security;

/// <summary>
/// The same ACL user on a real Redis 7 and on Slotgate must get the same replies: each command below is sent to both
/// and the error texts (or the reply types, for successes) compared.
/// </summary>
[Collection(ProxyCollection.Name)]
public class AclCompatibilityTests(ProxyFixture fixture, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    public static TheoryData<string, string[][]> Cases => new()
    {
        {
            "+@all -@dangerous -flushall ~app:* &chan:*",
            [
                ["SET", "app:x", "1"], ["GET", "app:x"], ["SET", "other", "1"], ["FLUSHALL"], ["KEYS", "*"],
                ["CONFIG", "GET", "maxmemory"], ["PUBLISH", "chan:1", "x"], ["PUBLISH", "other", "x"],
                ["MGET", "app:1", "other"], ["EVAL", "return 1", "1", "other"], ["DEL", "app:x", "app:y"],
                ["SUBSCRIBE", "other"], ["PSUBSCRIBE", "chan:1*"], ["ACL", "WHOAMI"],
            ]
        },
        {
            "+@read ~*",
            [
                ["SET", "k", "1"], ["GET", "k"], ["PING"], ["CLIENT", "SETNAME", "x"], ["MULTI"], ["ACL", "WHOAMI"],
                ["MGET", "a", "b"], ["CLUSTER", "INFO"], ["INFO", "server"],
            ]
        },
        {
            "+@all -@write +set allkeys resetchannels",
            [
                ["SET", "k", "1"], ["DEL", "k"], ["LPUSH", "l", "1"], ["PUBLISH", "c", "x"], ["GET", "k"],
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Commands_SameUserRules_SameRepliesAsRedis(string rules, string[][] commands)
    {
        string user = "u" + Math.Abs(rules.GetHashCode()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var redisEndpoint = new IPEndPoint(IPAddress.Loopback, redis.Port);
        await using (var admin = await RespTestClient.ConnectAsync(redisEndpoint))
        {
            RespValue set = await admin.CallAsync(["ACL", "SETUSER", user, "reset", "on", ">pw", .. rules.Split(' ')]);
            Assert.Equal("OK", set.Text);
        }
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            Auth = new AuthOptions { Users = [new UserOptions { Name = user, Passwords = ["pw"], Rules = rules }] },
        });
        foreach (string[] command in commands)
        {
            // A fresh connection per command: a SUBSCRIBE that is allowed would otherwise change the context.
            await using var direct = await RespTestClient.ConnectAsync(redisEndpoint);
            await using var proxied = await RespTestClient.ConnectAsync(server.Endpoints[0]);
            Assert.Equal("OK", (await direct.CallAsync("AUTH", user, "pw")).Text);
            Assert.Equal("OK", (await proxied.CallAsync("AUTH", user, "pw")).Text);
            RespValue expected = await direct.CallAsync(command);
            RespValue actual = await proxied.CallAsync(command);
            string shown = string.Join(' ', command);
            Assert.True(expected.IsError == actual.IsError, $"{shown}: Redis said {expected}, Slotgate said {actual}");
            if (expected.IsError)
            {
                Assert.True(expected.Text == actual.Text, $"{shown}: Redis said {expected.Text}, Slotgate said {actual.Text}");
            }
        }
    }

    [Fact]
    public async Task Exec_DeniedCommandQueued_ExecAbortLikeRedis()
    {
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            Auth = new AuthOptions { Users = [new UserOptions { Name = "default", Passwords = ["pw"], Rules = "+@all ~{t}*" }] },
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("AUTH", "pw")).Text);
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.Equal("QUEUED", (await client.CallAsync("SET", "{t}a", "1")).Text);
        Assert.Equal("NOPERM this user has no permissions to access one of the keys used as arguments", (await client.CallAsync("SET", "other", "1")).Text);
        Assert.Equal("EXECABORT Transaction discarded because of previous errors.", (await client.CallAsync("EXEC")).Text);
    }

    [Fact]
    public async Task AclDryRun_UserAndCommand_SaysWhetherAllowed()
    {
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            Auth = new AuthOptions { Users = [new UserOptions { Name = "default", Passwords = ["pw"] }, new UserOptions { Name = "ro", Passwords = ["x"], Rules = "+@read ~*" }] },
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("AUTH", "pw")).Text);
        Assert.Equal("OK", (await client.CallAsync("ACL", "DRYRUN", "ro", "GET", "k")).Text);
        Assert.Equal("This user has no permissions to run the 'set' command", (await client.CallAsync("ACL", "DRYRUN", "ro", "SET", "k", "v")).Text);
        Assert.Equal("ERR User 'nobody' not found", (await client.CallAsync("ACL", "DRYRUN", "nobody", "GET", "k")).Text);
        RespValue users = await client.CallAsync("ACL", "USERS");
        Assert.Equal(["default", "ro"], users.ItemsOrEmpty.Select(u => u.Text));
        Assert.StartsWith("ERR Slotgate: 'ACL SETUSER' is not available", (await client.CallAsync("ACL", "SETUSER", "x")).Text);
    }
}
