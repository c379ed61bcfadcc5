using Microsoft.Extensions.Logging.Abstractions;
using Slotgate.Backend;
using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

public class BackendCommandsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private string Endpoint => "127.0.0.1:" + redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task LearnAsync_TableLackingCommandsTheServerHas_LearnsThemWithTheirKeys()
    {
        // A table without GETEX and LMPOP stands for one that lacks a module's commands.
        CommandTable older = CommandTable.BuiltIn.Without(["getex", "lmpop"]);
        Assert.Null(older.Find("getex"));
        await using var pool = new BackendPool(new BackendSettings(), new SocketBackendConnector(), NullLogger<BackendPool>.Instance);

        CommandTable learned = await BackendCommands.LearnAsync(older, pool, Endpoint, TimeSpan.FromSeconds(10), NullLogger.Instance);

        CommandInfo getex = Assert.IsType<CommandInfo>(learned.Find("getex"));
        Assert.Equal((-2, 1, 1, 1), (getex.Arity, getex.FirstKey, getex.LastKey, getex.KeyStep));
        Assert.NotEqual(CommandFlags.None, getex.Flags & CommandFlags.Write);
        var frame = new RequestFrame();
        frame.Set("GETEX", "some:key", "PX", "100");
        Span<int> keys = stackalloc int[4];
        Assert.Equal(1, getex.FindKeys(frame, keys));
        Assert.Equal(1, keys[0]);
        Assert.NotNull(learned.Find("lmpop")); // movable keys: learned, keyless
        Assert.Equal(CommandTable.BuiltIn.Count, learned.Count);
    }

    [Fact]
    public async Task LearnAsync_TableHasEverything_SameTable()
    {
        await using var pool = new BackendPool(new BackendSettings(), new SocketBackendConnector(), NullLogger<BackendPool>.Instance);
        CommandTable table = CommandTable.BuiltIn;
        Assert.Same(table, await BackendCommands.LearnAsync(table, pool, Endpoint, TimeSpan.FromSeconds(10), NullLogger.Instance));
    }

    [Fact]
    public void FromInfoReply_ModuleStyleEntry_SingleKeyReadOnly()
    {
        // The shape a module command has in COMMAND INFO (RedisJSON's JSON.GET), built by hand: no module is installed here.
        RespValue entry = RespValue.Parse(System.Text.Encoding.ASCII.GetBytes(
            "*10\r\n$8\r\njson.get\r\n:-2\r\n*2\r\n+readonly\r\n+module\r\n:1\r\n:1\r\n:1\r\n*0\r\n*0\r\n*0\r\n*0\r\n"));

        CommandInfo command = Assert.IsType<CommandInfo>(BackendCommands.FromInfoReply(entry));

        Assert.Equal("json.get", command.Name);
        Assert.NotEqual(CommandFlags.None, command.Flags & CommandFlags.ReadOnly);
        Assert.Equal(CommandFlags.None, command.Flags & CommandFlags.Write);
        var frame = new RequestFrame();
        frame.Set("JSON.GET", "doc:1", "$.a");
        Span<int> keys = stackalloc int[4];
        Assert.Equal(1, command.FindKeys(frame, keys));
    }
}
