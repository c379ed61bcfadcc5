using System.Net;
using System.Text;
using Slotgate.Protocol;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// CLIENT REPLY ON|OFF|SKIP through Slotgate: the same bytes as a Redis node gives for the same commands (the commands
/// still run, only their replies are left out), and published messages still delivered while replies are off.
/// </summary>
[Collection(ProxyCollection.Name)]
public class PubSubClientReplyTests(ProxyFixture fixture)
{
    public static TheoryData<string> Sequences => new()
    {
        "CLIENT REPLY OFF|SET {k} 1|GET {k}|NOSUCHCOMMAND|INCR {k}x y|CLIENT REPLY ON|GET {k}",
        "CLIENT REPLY SKIP|GET {k}|GET {k}",
        "CLIENT REPLY SKIP|CLIENT REPLY SKIP|GET {k}|INCR {k}|GET {k}",
        "CLIENT REPLY SKIP|CLIENT REPLY ON|GET {k}",
        "CLIENT REPLY OFF|CLIENT REPLY SKIP|SET {k} 7|GET {k}|CLIENT REPLY ON|GET {k}",
        "CLIENT REPLY SKIP|NOSUCHCOMMAND|PING|CLIENT REPLY bad|CLIENT REPLY|CLIENT REPLY on extra",
        "CLIENT REPLY OFF|RESET|GET {k}",
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public async Task ClientReply_Sequence_SameBytesAsRedisNode(string sequence)
    {
        var primary = fixture.Cluster.Primaries[0];
        string key = TestKeys.OwnedBy(fixture.Server, primary.Endpoint, "reply-" + Guid.NewGuid().ToString("N"));
        string[][] commands = [.. sequence.Split('|').Select(c => c.Replace("{k}", key).Split(' '))];
        await using var node = await RespTestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, primary.Port));
        string expected = await RunAsync(node, commands);
        await node.CallAsync("DEL", key);
        await using var proxy = await fixture.ConnectRawAsync();
        string actual = await RunAsync(proxy, commands);
        Assert.Equal(expected, actual);
        Assert.NotEmpty(expected);
    }

    [Fact]
    public async Task ClientReply_OffWhileSubscribedResp3_MessagesStillDelivered()
    {
        string channel = "reply-off-" + Guid.NewGuid().ToString("N");
        await using var subscriber = await fixture.ConnectRawAsync();
        await using var publisher = await fixture.ConnectRawAsync();
        await subscriber.CallAsync("HELLO", "3");
        Assert.Equal("subscribe", (await subscriber.CallAsync("SUBSCRIBE", channel)).Items![0].Text);
        await subscriber.SendAsync("CLIENT", "REPLY", "OFF");
        await subscriber.SendAsync("PING");
        Assert.Equal(1, (await publisher.CallAsync("PUBLISH", channel, "while-off")).Integer);
        RespValue message = await subscriber.ReadAsync();
        Assert.Equal(["message", channel, "while-off"], message.Items!.Select(i => i.ToString()));
        Assert.Equal("OK", (await subscriber.CallAsync("CLIENT", "REPLY", "ON")).Text);
    }

    [Fact]
    public async Task ClientReply_InsideMulti_RefusedAndExecAborted()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        RespValue refused = await client.CallAsync("CLIENT", "REPLY", "OFF");
        Assert.Equal('-', refused.Type);
        Assert.StartsWith("EXECABORT", (await client.CallAsync("EXEC")).Text);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task ClientReply_OffPipelined_CommandsStillRun()
    {
        string key = "reply-run-" + Guid.NewGuid().ToString("N");
        await using var client = await fixture.ConnectRawAsync();
        await client.SendAsync("CLIENT", "REPLY", "OFF");
        for (int i = 0; i < 50; i++)
        {
            await client.SendAsync("INCR", key);
        }
        Assert.Equal("OK", (await client.CallAsync("CLIENT", "REPLY", "ON")).Text);
        Assert.Equal("50", (await client.CallAsync("GET", key)).Text);
        await client.CallAsync("DEL", key);
    }

    /// <summary>Sends the commands, then CLIENT REPLY ON and ECHO end; everything read up to the end, as text.</summary>
    private static async Task<string> RunAsync(RespTestClient client, string[][] commands)
    {
        foreach (string[] command in commands)
        {
            await client.SendAsync(command);
        }
        await client.SendAsync("CLIENT", "REPLY", "ON");
        await client.SendAsync("ECHO", "end");
        var text = new StringBuilder();
        while (true)
        {
            string reply = Encoding.UTF8.GetString(await client.ReadRawAsync());
            if (reply == "$3\r\nend\r\n")
            {
                return text.ToString();
            }
            text.Append(reply);
        }
    }
}
