using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;

namespace Slotgate.Configuration;

/// <summary>Reads the YAML configuration file into entries, turning every failure into an error line instead of an exception.</summary>
internal static class YamlFileLoader
{
    public static IReadOnlyList<ConfigEntry> Load(string path, List<string> errors)
    {
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            errors.Add($"config: '{path}' is not a valid file path ({ex.Message})");
            return [];
        }

        if (!File.Exists(fullPath))
        {
            errors.Add($"config: file '{path}' not found (from --config or {EnvironmentMapper.ConfigVariable})");
            return [];
        }

        try
        {
            // The file is read here rather than through AddYamlFile so that a missing file, a permission problem and a
            // syntax error each get their own message, and no file watcher is created.
            using var stream = File.OpenRead(fullPath);
            var root = new ConfigurationBuilder().AddYamlStream(stream).Build();
            var source = Path.GetFileName(fullPath);
            return root.AsEnumerable()
                .Where(kv => kv.Value is not null)
                .Select(kv => new ConfigEntry(kv.Key, kv.Value, source))
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"config: cannot read '{path}': {ex.Message}");
        }
        catch (Exception ex) when (ex is FormatException or YamlException)
        {
            errors.Add($"config: '{path}' is not valid YAML: {Describe(ex)}");
        }

        return [];
    }

    /// <summary>
    /// The YAML parser's own message and position. The configuration provider wraps it in a FormatException whose text
    /// ("Could not parse the YAML file") adds nothing and drops the line number an operator needs.
    /// </summary>
    private static string Describe(Exception ex)
    {
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is YamlException yaml)
            {
                return $"line {yaml.Start.Line}, column {yaml.Start.Column}: {yaml.Message.TrimEnd('.')}";
            }
        }

        return ex.Message;
    }
}
