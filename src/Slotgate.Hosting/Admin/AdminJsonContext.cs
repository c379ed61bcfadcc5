using System.Text.Json.Serialization;

namespace Slotgate.Admin;

/// <summary>Source-generated JSON for the admin API: no reflection, so Native AOT stays warning-free.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TopologyDto))]
[JsonSerializable(typeof(IReadOnlyList<ClientDto>))]
[JsonSerializable(typeof(RefreshDto))]
[JsonSerializable(typeof(LogLevelDto))]
[JsonSerializable(typeof(ErrorDto))]
[JsonSerializable(typeof(DashboardDto))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
