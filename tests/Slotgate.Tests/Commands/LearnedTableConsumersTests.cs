using Slotgate.Commands;
using Slotgate.Diagnostics;
using Slotgate.Routing;
using Slotgate.Security;

namespace Slotgate.Tests.Commands;

/// <summary>What derives state from the command table follows it when a learned table replaces its contents.</summary>
public class LearnedTableConsumersTests
{
    private static readonly CommandInfo Hexpire = new("hexpire", -6, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1,
        AclCategories.Write | AclCategories.Hash | AclCategories.Fast, [], [new KeySpec(KeySpecFlags.RW, BeginSearch.AtIndex(1), FindKeysRule.Range(0, 1, 0))], []);

    private static readonly CommandInfo Httl = new("httl", -5, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1,
        AclCategories.Read | AclCategories.Hash | AclCategories.Fast, [], [new KeySpec(KeySpecFlags.RO, BeginSearch.AtIndex(1), FindKeysRule.Range(0, 1, 0))], []);

    [Fact]
    public void Validate_RuleNamingACommandNotYetKnown_AcceptedUntilLearned()
    {
        var errors = new List<string>();
        UserDirectory users = UserDirectoryBuilder.Build(Auth("on +httl allkeys"), Live(), errors);
        Assert.Empty(errors);

        UserDirectoryBuilder.Build(Auth("on +no!such allkeys"), Live(), errors);
        Assert.Contains(errors, e => e.Contains("unknown command 'no!such'", StringComparison.Ordinal));
        Assert.NotNull(users.Find("app"));
    }

    [Fact]
    public void Rebind_LearnedReadCommand_CoveredByTheReadCategory()
    {
        CommandTable table = Live();
        UserDirectory users = UserDirectoryBuilder.Build(Auth("on +@read +hexpire allkeys"), table, []);
        table.Changed += users.Rebind;
        AclUser app = users.Find("app")!;

        table.Replace(table.With([Hexpire, Httl]));

        var frame = new RequestFrame();
        frame.Set("HTTL", "h", "FIELDS", "1", "f");
        Assert.Null(app.Check(table.Find("httl")!, frame));
        frame.Set("HEXPIRE", "h", "10", "FIELDS", "1", "f");
        Assert.Null(app.Check(table.Find("hexpire")!, frame));
        frame.Set("SET", "k", "v");
        Assert.NotNull(app.Check(table.Find("set")!, frame));
    }

    [Fact]
    public void Register_CommandReplacedByANewInstance_KeepsItsNamesStat()
    {
        CommandTable table = Live();
        var stats = new CommandStatsTable();
        stats.Register(table);
        CommandInfo oldGet = table.Find("get")!;
        CommandStat getStat = stats.For(oldGet);
        CommandInfo newGet = new("get", -2, oldGet.Flags, 1, 1, 1, oldGet.AclCategories, [], oldGet.KeySpecs.ToArray(), []);

        table.Replace(table.With([newGet, Httl]));

        Assert.Same(getStat, stats.For(newGet));
        Assert.Equal("httl", stats.For(Httl).Name);
        Assert.Single(stats.All, s => s.Name == "get");
    }

    [Fact]
    public void For_CommandDisabledBeforeItWasLearned_RefusedOnceLearned()
    {
        CommandTable table = Live();
        var routes = new CommandRouteTable(table, ["hexpire"]);

        table.Replace(table.With([Hexpire]));

        Assert.Equal(RouteKind.NotSupported, routes.For(table.Find("hexpire")!).Kind);
        Assert.Equal(RouteKind.Forward, routes.For(table.Find("get")!).Kind);
    }

    private static CommandTable Live() => new CommandTableSource(ProxyCommandAdditions.AddTo(CommandTable.BuiltIn)).Table;

    private static AuthOptions Auth(string rules) =>
        new() { Users = [new UserOptions { Name = "app", Passwords = ["secret"], Rules = rules }] };
}
