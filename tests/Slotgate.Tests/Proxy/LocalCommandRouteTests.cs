using Slotgate.Commands;
using Slotgate.Routing;

namespace Slotgate.Tests.Proxy;

public sealed class LocalCommandRouteTests
{
    [Fact]
    public void Local_EveryCommandWithAnId_IsRoutedToSlotgateItself()
    {
        foreach (CommandInfo each in AllCommands())
        {
            if (each.Local != LocalCommand.None)
            {
                Assert.True(CommandRoutes.Find(each.Name.ToUpperInvariant())?.Kind == RouteKind.Local, $"{each.Name} has id {each.Local} but is not routed locally");
            }
        }
    }

    [Fact]
    public void Local_EveryLocallyRoutedCommand_HasAnIdButTheHelps()
    {
        // CLIENT HELP and COMMAND HELP are routed to Slotgate but have no answer of their own: an error names them.
        string[] withoutId = [.. AllCommands()
            .Where(c => c.Local == LocalCommand.None && CommandRoutes.Find(c.Name.ToUpperInvariant())?.Kind == RouteKind.Local)
            .Select(c => c.Name)
            .Order(StringComparer.Ordinal)];

        Assert.Equal(["client|help", "command|help"], withoutId);
    }

    private static List<CommandInfo> AllCommands()
    {
        var all = new List<CommandInfo>();
        foreach (CommandInfo command in ProxyCommandAdditions.AddTo(CommandTable.BuiltIn).Commands)
        {
            all.AddRange([command, .. command.Subcommands]);
        }
        return all;
    }
}
