namespace Slotgate.Import;

/// <summary>
/// <c>slotgate import-envoy FILE [-o OUT]</c>: writes the Slotgate configuration for an Envoy redis_proxy
/// configuration to standard output (or OUT), and lists what was not carried over on standard error as well as at the
/// top of the file. Exit codes: 0 converted, 1 nothing to convert (no redis_proxy filter, unreadable file), 2 usage.
/// </summary>
internal static class EnvoyImportCommand
{
    public const string Usage = "Usage: slotgate import-envoy FILE [-o OUT]   (FILE: Envoy bootstrap/listener YAML, EnvoyPatchPolicy, or RedisProxy typed config)";

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter errors)
    {
        string? input = null;
        string? outFile = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-o" or "--output" when i + 1 < args.Count:
                    outFile = args[++i];
                    break;
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return 0;
                default:
                    if (input is not null || args[i].StartsWith('-'))
                    {
                        errors.WriteLine($"slotgate import-envoy: unexpected argument '{args[i]}'");
                        errors.WriteLine(Usage);
                        return 2;
                    }
                    input = args[i];
                    break;
            }
        }
        if (input is null)
        {
            errors.WriteLine(Usage);
            return 2;
        }

        string text;
        try
        {
            text = File.ReadAllText(input);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"slotgate import-envoy: cannot read '{input}': {ex.Message}");
            return 1;
        }
        ImportedConfig? config = EnvoyImporter.Import(text, out string? error);
        if (config is null)
        {
            errors.WriteLine($"slotgate import-envoy: {input}: {error}");
            return 1;
        }
        string yaml = ImportedConfigWriter.Write(config, Path.GetFileName(input));
        if (outFile is null)
        {
            output.Write(yaml);
        }
        else
        {
            File.WriteAllText(outFile, yaml);
        }
        errors.WriteLine(config.Notes.Count == 0
            ? "slotgate import-envoy: every field was carried over"
            : $"slotgate import-envoy: {config.Notes.Count} field(s) not carried over:");
        foreach (ImportNote note in config.Notes)
        {
            errors.WriteLine("  " + note);
        }
        return 0;
    }
}
