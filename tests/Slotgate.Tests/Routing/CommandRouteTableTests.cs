using Slotgate.Commands;
using Slotgate.Routing;

namespace Slotgate.Tests.Routing;

public class CommandRouteTableTests
{
    private static readonly CommandTable Commands = ProxyCommandAdditions.AddTo(CommandTable.BuiltIn);

    [Theory]
    [InlineData("get", nameof(RouteKind.Forward))]
    [InlineData("mget", nameof(RouteKind.SplitValues))]
    [InlineData("ping", nameof(RouteKind.Local))]
    [InlineData("blpop", nameof(RouteKind.Blocking))]
    public void For_NothingDisabled_RouteOfThePolicy(string name, string kind)
    {
        var routes = new CommandRouteTable(Commands, []);

        Assert.Equal(kind, routes.For(Commands.Find(name)!).Kind.ToString());
    }

    [Fact]
    public void For_DisabledContainer_EverySubcommandRefusedByName()
    {
        var routes = new CommandRouteTable(Commands, ["config"]);

        CommandRoute route = routes.For(Commands.Find("config|get")!);

        Assert.Equal(RouteKind.NotSupported, route.Kind);
        Assert.Equal("ERR Slotgate: 'CONFIG GET' is disabled by configuration (routing.disabledCommands)", route.Error);
        Assert.Equal(RouteKind.NotSupported, routes.For(Commands.Find("config")!).Kind);
    }

    [Fact]
    public void For_DisabledSubcommandWithSpace_OnlyThatSubcommandRefused()
    {
        var routes = new CommandRouteTable(Commands, ["CLIENT KILL"]);

        Assert.Equal(RouteKind.NotSupported, routes.For(Commands.Find("client|kill")!).Kind);
        Assert.Equal(RouteKind.Local, routes.For(Commands.Find("client|id")!).Kind);
    }
}
