using Slotgate.Tests.Support;


namespace Slotgate.Tests.Diagnostics;

public sealed class LoggingConventionTests
{
    [Fact]
    public void SlotgateSources_DirectLoggerCalls_None()
    {
        IReadOnlyList<string> calls = LoggingConventions.DirectCalls(RepositoryFiles.InRoot("src", "Slotgate"));

        Assert.True(calls.Count == 0,
            "Log through a [LoggerMessage] method in the class's Log class (docs/decisions.md), not directly:\n" + string.Join("\n", calls));
    }

    [Fact]
    public void SlotgateAssembly_LoggerMessages_InLogClassesWithUniqueEventIds()
    {
        var assembly = typeof(Slotgate.Hosting.SlotgateServer).Assembly;

        Assert.Empty(LoggingConventions.EventIdProblems(assembly));
        Assert.InRange(LoggingConventions.LoggerMessageCount(assembly), 52, int.MaxValue);
    }

    [Fact]
    public void DirectCalls_FileWithDirectCall_NamesFileAndLine()
    {
        string directory = Directory.CreateTempSubdirectory("slotgate-logging-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "Sample.cs"), """
                class Sample
                {
                    // _logger.LogDebug("a comment is not a call");
                    void Run() => Log.Started(_logger, 1);
                    void Fail() => _logger.LogWarning("Failed: {Error}", "x");
                    void Raw() => _logger.Log(LogLevel.Information, "raw");
                }
                """);
            Directory.CreateDirectory(Path.Combine(directory, "obj"));
            File.WriteAllText(Path.Combine(directory, "obj", "Generated.cs"), "logger.LogInformation(\"generated\");");

            IReadOnlyList<string> calls = LoggingConventions.DirectCalls(directory);

            Assert.Equal(2, calls.Count);
            Assert.StartsWith("Sample.cs:5: ", calls[0], StringComparison.Ordinal);
            Assert.StartsWith("Sample.cs:6: ", calls[1], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
