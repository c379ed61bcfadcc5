using Slotgate.Commands;
using Slotgate.Security;

namespace Slotgate.Tests.Security;

public class AclRulesTests
{
    private static readonly CommandTable Commands = ProxyCommandAdditions.AddTo(CommandTable.BuiltIn);

    private static AclUser Build(string? rules)
    {
        var errors = new List<string>();
        AclUser? user = AclRules.Build("u", rules, noPass: false, new PasswordSet(["p"], [], []), Commands, errors);
        Assert.Empty(errors);
        return user!;
    }

    private static string? Check(AclUser user, params string[] args)
    {
        var frame = new RequestFrame();
        frame.Set(args);
        CommandInfo command = Commands.Find(frame)!;
        return user.Check(command, frame);
    }

    [Fact]
    public void Build_NoRules_EverythingAllowed()
    {
        AclUser user = Build(null);
        Assert.True(user.Unrestricted);
        Assert.True(user.Enabled);
    }

    [Fact]
    public void Check_CategoryThenCommandRemoved_CommandDenied()
    {
        AclUser user = Build("+@all -@dangerous -get ~*");
        Assert.Null(Check(user, "SET", "k", "v"));
        Assert.Equal("NOPERM this user has no permissions to run the 'get' command", Check(user, "GET", "k"));
        Assert.Equal("NOPERM this user has no permissions to run the 'flushall' command", Check(user, "FLUSHALL"));
        Assert.Equal("NOPERM this user has no permissions to run the 'config|set' command", Check(user, "CONFIG", "SET", "a", "b"));
        Assert.False(user.AllCommands);
    }

    [Fact]
    public void Check_ContainerAllowed_AllSubcommandsAllowed()
    {
        AclUser user = Build("+config ~*");
        Assert.Null(Check(user, "CONFIG", "GET", "x"));
        Assert.Null(Check(user, "CONFIG", "SET", "a", "b"));
        Assert.NotNull(Check(user, "GET", "k"));
    }

    [Fact]
    public void Check_OneSubcommandAllowed_OthersDenied()
    {
        AclUser user = Build("+client|setname");
        Assert.Null(Check(user, "CLIENT", "SETNAME", "x"));
        Assert.Equal("NOPERM this user has no permissions to run the 'client|kill' command", Check(user, "CLIENT", "KILL", "1.2.3.4:5"));
    }

    [Fact]
    public void Check_KeyPatterns_EveryKeyMustMatch()
    {
        AclUser user = Build("+@all ~app1:* ~shared:?");
        Assert.Null(Check(user, "MGET", "app1:a", "shared:x"));
        Assert.Equal("NOPERM this user has no permissions to access one of the keys used as arguments", Check(user, "MGET", "app1:a", "app2:b"));
        Assert.NotNull(Check(user, "EVAL", "return 1", "1", "other"));
        Assert.Null(Check(user, "EVAL", "return 1", "1", "app1:z"));
        Assert.Null(Check(user, "PING"));
    }

    [Fact]
    public void Check_ChannelPatterns_PublishGlobbedPsubscribeLiteral()
    {
        AclUser user = Build("+@all allkeys resetchannels &news.*");
        Assert.Null(Check(user, "PUBLISH", "news.today", "x"));
        Assert.NotNull(Check(user, "PUBLISH", "sports", "x"));
        Assert.Null(Check(user, "SUBSCRIBE", "news.a", "news.b"));
        Assert.NotNull(Check(user, "SUBSCRIBE", "news.a", "sports"));
        Assert.Null(Check(user, "PSUBSCRIBE", "news.*"));
        Assert.Equal("NOPERM this user has no permissions to access one of the channels used as arguments", Check(user, "PSUBSCRIBE", "news.x*"));
    }

    [Fact]
    public void Check_NoAuthCommands_AlwaysAllowed()
    {
        AclUser user = Build("nocommands");
        Assert.Null(Check(user, "AUTH", "p"));
        Assert.Null(Check(user, "HELLO", "3"));
        Assert.Null(Check(user, "QUIT"));
        Assert.NotNull(Check(user, "PING"));
    }

    [Fact]
    public void Build_Off_Disabled()
    {
        AclUser user = Build("off +@all");
        Assert.False(user.Enabled);
        Assert.False(user.CanAuthenticate("p"u8));
    }

    [Theory]
    [InlineData("+@nosuch", "unknown command category 'nosuch'")]
    [InlineData("+nosuchcommand", "unknown command 'nosuchcommand'")]
    [InlineData(">secret", "not an ACL rule")]
    [InlineData("allkeys ~app:*", "after the * pattern")]
    public void Build_BadRule_ErrorNamesIt(string rules, string expected)
    {
        var errors = new List<string>();
        Assert.Null(AclRules.Build("u", rules, false, new PasswordSet(["p"], [], []), Commands, errors));
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_SeveralPasswords_EachAccepted()
    {
        var passwords = new PasswordSet(["old"], [System.Security.Cryptography.SHA256.HashData("hashed"u8)], []);
        Assert.True(passwords.Verify("old"u8));
        Assert.True(passwords.Verify("hashed"u8));
        Assert.False(passwords.Verify("olD"u8));
        Assert.False(passwords.Verify(""u8));
    }
}
