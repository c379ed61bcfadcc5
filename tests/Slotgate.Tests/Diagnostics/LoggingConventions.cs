using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Slotgate.Tests.Diagnostics;

/// <summary>
/// Checks of the logging convention (docs/decisions.md, "Log lines are [LoggerMessage] methods with event ids"): every log line is a
/// source-generated <see cref="LoggerMessageAttribute"/> method in its class's <c>Log</c> class, with an event id.
/// Shared by the proxy's and the controller's tests.
/// </summary>
internal static partial class LoggingConventions
{
    /// <summary>Each direct <c>logger.LogXxx(...)</c> or <c>logger.Log(...)</c> call in the C# files under <paramref name="directory"/>, as "file:line: text".</summary>
    public static IReadOnlyList<string> DirectCalls(string directory)
    {
        var found = new List<string>();
        foreach (string file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(directory, file);
            if (IsBuildOutput(relative))
            {
                continue;
            }
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].Trim();
                if (!line.StartsWith("//", StringComparison.Ordinal) && DirectCall().IsMatch(line))
                {
                    found.Add($"{relative}:{i + 1}: {line}");
                }
            }
        }
        return found;
    }

    /// <summary>
    /// The [LoggerMessage] methods of <paramref name="assemblies"/> that have no event id, whose event id another one there
    /// also has, or that are not in a class named <c>Log</c>.
    /// </summary>
    public static IReadOnlyList<string> EventIdProblems(params Assembly[] assemblies)
    {
        var methods = assemblies.SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (Name: $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}", m.Attribute!.EventId, InLog: m.Method.DeclaringType.Name == "Log"))
            .ToList();
        var problems = methods.Where(m => m.EventId <= 0).Select(m => $"{m.Name} has no event id").ToList();
        problems.AddRange(methods.Where(m => !m.InLog).Select(m => $"{m.Name} is not in its class's Log class"));
        problems.AddRange(methods.GroupBy(m => m.EventId).Where(g => g.Count() > 1)
            .Select(g => $"event id {g.Key} used by {string.Join(", ", g.Select(m => m.Name))}"));
        return problems;
    }

    /// <summary>How many [LoggerMessage] methods <paramref name="assemblies"/> have.</summary>
    public static int LoggerMessageCount(params Assembly[] assemblies) => assemblies.SelectMany(a => a.GetTypes())
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Count(m => m.GetCustomAttribute<LoggerMessageAttribute>() is not null);

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part is "bin" or "obj");

    [GeneratedRegex(@"\.Log(Trace|Debug|Information|Warning|Error|Critical)?\s*(<[^>]*>)?\(")]
    private static partial Regex DirectCall();
}
