using Slotgate.Commands;
using Slotgate.Routing;

namespace Slotgate.Tests.Routing;

/// <summary>
/// docs/commands.md is generated from the code: this test fails when it is out of date. Regenerate with
/// <c>SLOTGATE_UPDATE_DOCS=1 dotnet test --filter CommandDocsTests</c>.
/// </summary>
public class CommandDocsTests
{
    [Fact]
    public void CommandsDoc_EveryCommandOfTheTable_MatchesCode()
    {
        string expected = Generate();
        string path = Path.Combine(RepositoryFiles.Root, "docs", "commands.md");
        if (Environment.GetEnvironmentVariable("SLOTGATE_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }
        Assert.True(File.Exists(path), "docs/commands.md is missing; regenerate it (see this test's summary)");
        Assert.True(expected == File.ReadAllText(path), "docs/commands.md is out of date; regenerate it (see this test's summary)");
    }

    [Fact]
    public void Describe_EveryCommand_HasAHandling()
    {
        CommandTable table = ProxyCommandAdditions.AddTo(CommandTable.BuiltIn);
        foreach (CommandInfo command in table.Commands)
        {
            Assert.False(string.IsNullOrWhiteSpace(CommandHandling.Describe(command)));
            foreach (CommandInfo sub in command.Subcommands)
            {
                Assert.False(string.IsNullOrWhiteSpace(CommandHandling.Describe(sub)));
            }
        }
    }

    private static string Generate()
    {
        CommandTable table = ProxyCommandAdditions.AddTo(CommandTable.BuiltIn);
        var text = new StringBuilder();
        text.Append("# Commands through Slotgate\n\n");
        text.Append("Every command of Redis 7.0's `COMMAND` list and what Slotgate does with it. Generated from the code by\n");
        text.Append("`tests/Slotgate.Tests/Routing/CommandDocsTests.cs` (`SLOTGATE_UPDATE_DOCS=1 dotnet test --filter CommandDocsTests`).\n\n");
        text.Append("Slotgate learns the command table from the cluster's primaries at start-up and after topology changes: the nodes'\n");
        text.Append("definitions (arity, flags, ACL categories, key specs) replace these, and commands a newer server adds (Redis 7.4's\n");
        text.Append("`HEXPIRE`, Garnet's extras, module commands) route to their key's primary by the key specs the node reports.\n\n");
        text.Append("| Command | Handling |\n| --- | --- |\n");
        foreach (CommandInfo command in table.Commands)
        {
            if (command.HasSubcommands)
            {
                foreach (CommandInfo sub in command.Subcommands)
                {
                    Row(text, sub);
                }
            }
            else
            {
                Row(text, command);
            }
        }
        return text.ToString();
    }

    private static void Row(StringBuilder text, CommandInfo command) =>
        text.Append("| `").Append(command.Name.ToUpperInvariant().Replace('|', ' ')).Append("` | ")
            .Append(CommandHandling.Describe(command).Replace("|", "\\|", StringComparison.Ordinal)).Append(" |\n");
}
