using System.Reflection;

namespace Slotgate.Tests.Diagnostics;

public sealed class LoggingConventionTests
{
    [Fact]
    public void SlotgateSources_DirectLoggerCalls_None()
    {
        IReadOnlyList<string> calls = LoggingConventions.DirectCalls(RepositoryFiles.InRoot("src"));

        Assert.True(calls.Count == 0,
            "Log through a [LoggerMessage] method in the class's Log class (docs/decisions.md), not directly:\n" + string.Join("\n", calls));
    }

    [Fact]
    public void SlotgateAssemblies_LoggerMessages_InLogClassesWithUniqueEventIds()
    {
        // Ids stay unique across all the proxy's layers, as when they were one assembly: a category may span layers.
        Assembly[] assemblies = ProxyAssemblies();

        Assert.Contains(assemblies, a => a.GetName().Name == "Slotgate.Protocol");
        Assert.Empty(LoggingConventions.EventIdProblems(assemblies));
        Assert.InRange(LoggingConventions.LoggerMessageCount(assemblies), 52, int.MaxValue);
    }

    /// <summary>Slotgate.Hosting and every Slotgate assembly below it.</summary>
    private static Assembly[] ProxyAssemblies()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(Slotgate.Hosting.SlotgateServer).Assembly]);
        while (pending.TryPop(out Assembly? assembly))
        {
            if (found.TryAdd(assembly.GetName().Name!, assembly))
            {
                foreach (AssemblyName reference in assembly.GetReferencedAssemblies())
                {
                    if (reference.Name!.StartsWith("Slotgate.", StringComparison.Ordinal))
                    {
                        pending.Push(Assembly.Load(reference));
                    }
                }
            }
        }
        return [.. found.Values];
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
