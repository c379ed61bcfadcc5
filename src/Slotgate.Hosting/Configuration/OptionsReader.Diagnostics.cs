using Microsoft.Extensions.Configuration;

namespace Slotgate.Configuration;

/// <summary>What Slotgate reports: the <c>logging</c> section and <c>diagnostics</c> (slowlog, access log, OTLP export).</summary>
internal sealed partial class OptionsReader
{
    private static readonly string[] LoggingKeys = ["logLevel", "json"];
    private static readonly string[] DiagnosticsKeys =
        ["slowlogThreshold", "slowlogMaxLength", "accessLog", "accessLogSampleRate", "accessLogArguments", "otlpEndpoint", "otlpInterval", "identities"];

    private LoggingOptions ReadLogging(IConfigurationSection section, string path) =>
        ReadSection(section, path, LoggingKeys, new LoggingOptions(), (o, name, child, childPath) => name switch
        {
            "logLevel" => o with { LogLevel = ReadLogLevel(child, childPath, o.LogLevel) },
            "json" => o with { Json = ReadBool(child, childPath, o.Json) },
            _ => null,
        });

    private DiagnosticsOptions ReadDiagnostics(IConfigurationSection section, string path) =>
        ReadSection(section, path, DiagnosticsKeys, new DiagnosticsOptions(), (o, name, child, childPath) => name switch
        {
            "slowlogThreshold" => o with { SlowlogThreshold = ReadDuration(child, childPath, o.SlowlogThreshold) },
            "slowlogMaxLength" => o with { SlowlogMaxLength = ReadInt(child, childPath, o.SlowlogMaxLength) },
            "accessLog" => o with { AccessLog = ReadBool(child, childPath, o.AccessLog) },
            "accessLogSampleRate" => o with { AccessLogSampleRate = ReadFraction(child, childPath, o.AccessLogSampleRate) },
            "accessLogArguments" => o with { AccessLogArguments = ReadBool(child, childPath, o.AccessLogArguments) },
            "otlpEndpoint" => o with { OtlpEndpoint = ReadScalar(child, childPath) },
            "otlpInterval" => o with { OtlpInterval = ReadDuration(child, childPath, o.OtlpInterval) },
            "identities" => o with { Identities = ReadList(child, childPath) },
            _ => null,
        });
}
