using Slotgate.Backend;
using Slotgate.Commands;
using NullLogger = Microsoft.Extensions.Logging.Abstractions.NullLogger;
using NullPoolLogger = Microsoft.Extensions.Logging.Abstractions.NullLogger<Slotgate.Backend.BackendPool>;

namespace Slotgate.Tests.Commands;

/// <summary>The command table learned from a real Redis 7.0: parsing its whole COMMAND and COMMAND DOCS replies.</summary>
public class CommandLearningLiveTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Read_EveryEntryOfRedis70sCommandReply_SameAsTheGeneratedTable()
    {
        await using var pool = NewPool();
        RespValue reply = await pool.ExecuteAsync(Endpoint, TimeSpan.FromSeconds(10), "COMMAND");

        var differing = new List<string>();
        foreach (RespValue entry in reply.ItemsOrEmpty)
        {
            CommandInfo learned = Assert.IsType<CommandInfo>(CommandInfoReader.Read(entry));
            if (CommandTable.BuiltIn.Find(learned.Name) is not { } builtIn || !CommandTableMerge.SameDefinition(builtIn, learned))
            {
                differing.Add(learned.Name);
            }
        }

        Assert.Equal(CommandTable.BuiltIn.Count, reply.ItemsOrEmpty.Count);
        Assert.Empty(differing);
    }

    [Fact]
    public async Task LearnAsync_SeedDefinesACommandWrongly_TheNodesDefinitionWins()
    {
        // A seed whose GET is wrong (no keys, another arity) stands for a table older than the server it fronts.
        CommandInfo get = CommandTable.BuiltIn.Find("get")!;
        CommandTable seed = CommandTable.BuiltIn.With([new CommandInfo("get", -3, get.Flags, 0, 0, 0, get.AclCategories, [], [], [])]);
        CommandTable current = CommandTable.Create(seed.Commands.ToArray(), CommandDocs.Empty);
        await using var pool = NewPool();

        CommandTable learned = Assert.IsType<CommandTable>(await BackendCommands.LearnAsync(seed, current, pool, [Endpoint], TimeSpan.FromSeconds(10), NullLogger.Instance));

        Assert.Equal((2, 1), (learned.Find("get")!.Arity, learned.Find("get")!.SingleKeyIndex));
        Assert.Same(current.Find("set"), learned.Find("set")); // unchanged commands keep their instances (and ids)
        Assert.Equal(CommandTable.BuiltIn.Count, learned.Count);
    }

    [Fact]
    public async Task LearnAsync_Redis_DocsOfEveryCommandAndSubcommand()
    {
        CommandTable seed = ProxyCommandAdditions.AddTo(CommandTable.BuiltIn);
        await using var pool = NewPool();

        CommandTable learned = (await BackendCommands.LearnAsync(seed, seed, pool, [Endpoint], TimeSpan.FromSeconds(10), NullLogger.Instance))!;

        RespValue get = RespValue.Parse(learned.Docs.Find("get")!);
        Assert.Equal("Get the value of a key", Field(get, "summary"));
        Assert.Equal("string", Field(get, "group"));
        Assert.NotNull(learned.Docs.Find("client|list")); // nested in CLIENT's doc, listed by its own name too
        Assert.Contains("Slotgate", Field(RespValue.Parse(learned.Docs.Find("client|setinfo")!), "summary"), StringComparison.Ordinal);
        foreach (CommandInfo command in learned.Commands)
        {
            Assert.NotNull(learned.Docs.Find(command.Name));
        }
    }

    private static string? Field(RespValue map, string name)
    {
        for (int i = 0; i + 1 < map.ItemsOrEmpty.Count; i += 2)
        {
            if (map.ItemsOrEmpty[i].Text == name)
            {
                return map.ItemsOrEmpty[i + 1].Text;
            }
        }
        return null;
    }

    private string Endpoint => "127.0.0.1:" + redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static BackendPool NewPool() => new(new BackendSettings(), new SocketBackendConnector(), NullPoolLogger.Instance);
}
