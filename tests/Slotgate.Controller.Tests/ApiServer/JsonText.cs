using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>JSON as the API server writes it: compact, quotes and HTML characters left unescaped.</summary>
internal static class JsonText
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode node) => node.ToJsonString(Options);
}
