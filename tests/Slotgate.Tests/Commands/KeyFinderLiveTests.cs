using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

/// <summary><see cref="CommandInfo.FindKeys"/> against the live server's COMMAND GETKEYS.</summary>
public sealed class KeyFinderLiveTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    /// <summary>Concrete invocations covering every key-spec shape and the hand-written finders.</summary>
    public static TheoryData<string> Invocations => new()
    {
        // Single keys, read and write, with options that are not keys.
        "GET k", "SET k v", "SET k v EX 10 NX GET", "SET k v KEEPTTL", "GETEX k PX 100", "GETEX k PERSIST", "GETDEL k",
        "INCR k", "APPEND k v", "STRLEN k", "SETRANGE k 0 v", "GETRANGE k 0 1", "EXPIRE k 10 NX", "TTL k", "TYPE k",
        "DUMP k", "RESTORE k 0 payload REPLACE", "HSET h f v f2 v2", "HGETALL h", "HINCRBY h f 1", "LPUSH l a b",
        "LRANGE l 0 -1", "LPOS l a RANK 1", "SADD s a b", "SISMEMBER s a", "ZADD z 1 a 2 b", "ZRANGE z 0 -1 WITHSCORES",
        "ZRANGESTORE d z 0 -1", "XADD s * f v", "XADD s MAXLEN ~ 10 * f v", "XRANGE s - +", "XLEN s", "XACK s g 1-0",
        "XCLAIM s g c 0 1-0", "XAUTOCLAIM s g c 0 0", "XSETID s 1-0", "XTRIM s MAXLEN 1", "PFADD h a b", "PFCOUNT a b",
        "SETBIT k 1 1", "BITCOUNT k", "BITPOS k 1", "BITFIELD k GET u8 0 SET u8 0 1", "BITFIELD_RO k GET u8 0",
        "GEOADD g 0 0 m", "GEODIST g a b", "GEOSEARCH g FROMMEMBER m BYRADIUS 1 km", "OBJECT ENCODING k",
        "OBJECT FREQ k", "OBJECT IDLETIME k", "OBJECT REFCOUNT k", "MEMORY USAGE k", "MEMORY USAGE k SAMPLES 5",
        "XINFO STREAM s", "XINFO STREAM s FULL COUNT 5", "XINFO GROUPS s", "XINFO CONSUMERS s g",
        "XGROUP CREATE s g $ MKSTREAM", "XGROUP DESTROY s g", "XGROUP CREATECONSUMER s g c", "XGROUP SETID s g 0",
        "XGROUP DELCONSUMER s g c", "LCS a b", "get K", "oBjEcT eNcOdInG k",

        // Several fixed or ranged keys.
        "MSET a 1 b 2 c 3", "MSETNX a 1 b 2", "MGET a b c", "DEL a b c", "UNLINK a", "EXISTS a b", "TOUCH a b c",
        "WATCH a b", "RENAME a b", "RENAMENX a b", "COPY a b REPLACE", "COPY a b DB 1", "LMOVE a b LEFT RIGHT",
        "BLMOVE a b LEFT RIGHT 0", "RPOPLPUSH a b", "BRPOPLPUSH a b 0", "SMOVE a b m", "PFMERGE d a b", "PFMERGE d",
        "SINTERSTORE d a b", "SUNIONSTORE d a b c", "SDIFFSTORE d a", "SINTER a b", "BITOP AND d a b c",
        "BITOP NOT d a", "BLPOP a b c 0", "BRPOP a 1.5", "BZPOPMIN a b 0", "BZPOPMAX a 0", "GEOSEARCHSTORE d s FROMMEMBER m BYRADIUS 1 km STOREDIST",

        // numkeys.
        "EVAL script 0", "EVAL script 2 k1 k2 a1", "EVAL script 1 k1 a1 a2", "EVALSHA sha 1 k", "EVAL_RO s 1 k",
        "EVALSHA_RO sha 2 a b", "FCALL f 2 a b c", "FCALL_RO f 0", "FCALL f 0 a b", "ZUNIONSTORE d 2 a b WEIGHTS 1 2",
        "ZINTERSTORE d 1 a AGGREGATE MAX", "ZDIFFSTORE d 2 a b", "ZUNION 2 a b", "ZINTER 3 a b c WITHSCORES",
        "ZDIFF 2 a b", "ZINTERCARD 2 a b LIMIT 1", "SINTERCARD 3 a b c", "SINTERCARD 1 a LIMIT 2",
        "LMPOP 2 a b LEFT COUNT 2", "LMPOP 1 a RIGHT", "BLMPOP 0 2 a b RIGHT", "BLMPOP 1.5 1 a LEFT COUNT 1",
        "ZMPOP 1 z MIN", "ZMPOP 2 a b MAX COUNT 10", "BZMPOP 1 2 a b MAX COUNT 3", "BZMPOP 0 1 a MIN",
        "EVAL s 3 a b", "EVAL s x", "ZUNIONSTORE d 3 a b",

        // Keyword searches.
        "XREAD STREAMS s 0", "XREAD COUNT 2 STREAMS s1 s2 0 0", "XREAD BLOCK 0 STREAMS s $", "xread streams s1 s2 s3 1 2 3",
        "XREAD COUNT 1 STREAMS a b c", "XREADGROUP GROUP g c STREAMS s >", "XREADGROUP GROUP g c COUNT 1 BLOCK 0 NOACK STREAMS s1 s2 > >",
        "XREAD STREAMS STREAMS 0", "GEORADIUS k 0 0 1 m", "GEORADIUS k 0 0 1 m STORE d", "GEORADIUS k 0 0 1 m STOREDIST d",
        "GEORADIUS k 0 0 1 m WITHDIST COUNT 3 STORE d STOREDIST e", "GEORADIUS k 0 0 1 m STORE",
        "GEORADIUSBYMEMBER k m 1 km STORE d", "GEORADIUSBYMEMBER k m 1 km STOREDIST d", "GEORADIUS_RO k 0 0 1 m",
        "GEORADIUSBYMEMBER_RO k m 1 km",

        // Hand-written finders: SORT and MIGRATE.
        "SORT k", "SORT k STORE d", "sort k store d", "SORT k BY p GET # STORE d", "SORT k LIMIT 0 1 STORE d1 STORE d2",
        "SORT k GET store STORE d", "SORT k BY store", "SORT k LIMIT store store", "SORT k STORE", "SORT k ALPHA DESC",
        "SORT_RO k", "SORT_RO k BY p GET # ALPHA", "MIGRATE h 6379 k 0 1000", "MIGRATE h 6379 k 0 1000 COPY REPLACE",
        "MIGRATE h 6379 \"\" 0 1000 KEYS a b c", "MIGRATE h 6379 \"\" 0 1000 COPY AUTH keys KEYS a",
        "MIGRATE h 6379 \"\" 0 1000 AUTH2 keys keys KEYS a b", "MIGRATE h 6379 \"\" 0 1000",

        // No keys, or not keys: GETKEYS refuses them.
        "PING x", "ECHO x", "SPUBLISH ch msg", "PUBLISH ch msg", "OBJECT HELP", "CLIENT SETNAME n", "CONFIG GET x",
        "SCRIPT LOAD s", "FUNCTION LIST", "KEYS *", "SCAN 0", "DBSIZE",
    };

    [Theory]
    [MemberData(nameof(Invocations))]
    public void FindKeys_ConcreteInvocation_MatchesCommandGetKeys(string commandLine)
    {
        using RespTestClient client = redis.Connect();
        string? mismatch = Compare(client, TestFrames.Split(commandLine));
        Assert.Null(mismatch);
    }

    /// <summary>
    /// Every command and subcommand at its minimum arity and a few arguments more, with filler arguments; numkeys
    /// arguments of key-num specs get a small count so the specs have something to find. COMMAND GETKEYS checks only
    /// arity and key positions, so these need not be otherwise valid commands.
    /// </summary>
    [Fact]
    public void FindKeys_EveryCommandWithFillerArguments_MatchesCommandGetKeys()
    {
        using RespTestClient client = redis.Connect();
        var mismatches = new List<string>();
        int compared = 0;
        foreach (CommandInfo container in CommandTable.BuiltIn.Commands)
        {
            CommandInfo[] commands = container.HasSubcommands ? container.Subcommands.ToArray() : [container];
            foreach (CommandInfo command in commands)
            {
                int min = Math.Abs(command.Arity);
                int max = command.Arity > 0 ? min : min + 5;
                for (int argc = Math.Max(min, 1); argc <= max; argc++)
                {
                    foreach (string count in new[] { "1", "2" })
                    {
                        string? mismatch = Compare(client, FillerInvocation(command, argc, count));
                        compared++;
                        if (mismatch is not null)
                        {
                            mismatches.Add(mismatch);
                        }
                    }
                }
            }
        }
        Assert.Empty(mismatches);
        Assert.True(compared > 1000, $"only {compared} invocations compared");
    }

    private static string[] FillerInvocation(CommandInfo command, int argc, string count)
    {
        string[] args = new string[argc];
        string[] names = command.Name.Split('|');
        for (int i = 0; i < argc; i++)
        {
            args[i] = i < names.Length ? names[i] : "a" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (KeySpec spec in command.KeySpecs)
        {
            if (spec.BeginSearch.Type == BeginSearchType.Index && spec.FindKeys.Type == FindKeysType.KeyNum)
            {
                int at = spec.BeginSearch.Index + spec.FindKeys.KeyNumIndex;
                if (at < argc)
                {
                    args[at] = count;
                }
            }
        }
        return args;
    }

    /// <summary>Null when FindKeys and COMMAND GETKEYS agree; otherwise a description of the difference.</summary>
    private static string? Compare(RespTestClient client, string[] args)
    {
        RespValue live = client.Call(["COMMAND", "GETKEYS", .. args]);
        RequestFrame frame = TestFrames.Create(args);
        CommandInfo? command = CommandTable.BuiltIn.Find(frame);
        if (command is null)
        {
            return $"{string.Join(' ', args)}: not in the table";
        }

        Span<int> indexes = stackalloc int[64];
        int found = command.FindKeys(frame, indexes);
        if (live.IsError)
        {
            // Redis refuses: no keys, or arguments that contradict the specs. Either way nothing to route on.
            return found <= 0 ? null : $"{string.Join(' ', args)}: redis {live.Text}, FindKeys {found} keys";
        }
        if (found < 0 && live.Items!.Count == 0 && (command.Flags & CommandFlags.NoMandatoryKeys) != 0)
        {
            // EVAL s 3 a b: Redis's GETKEYS answers "no keys" for commands whose keys are optional instead of
            // refusing; FindKeys reports the bad count. Neither gives a key to route on, which is what matters.
            return null;
        }
        string theirs = string.Join(' ', live.Items!.Select(n => n.Text));
        string ours = found < 0
            ? "<invalid>"
            : string.Join(' ', indexes[..found].ToArray().Select(i => args[i]));
        return ours == theirs ? null : $"{string.Join(' ', args)}: redis [{theirs}] FindKeys [{ours}]";
    }
}
