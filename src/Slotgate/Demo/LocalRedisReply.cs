using System.Text;

namespace Slotgate.Demo;

/// <summary>
/// A decoded reply from a local Redis node. The launcher only needs replies as text or as small trees
/// (CLUSTER SLOTS, GETKEYSINSLOT), so this is deliberately a plain object graph rather than the proxy's
/// zero-copy frame scanner: clarity matters here, speed does not.
/// </summary>
internal sealed class LocalRedisReply
{
    private static readonly IReadOnlyList<LocalRedisReply> NoItems = [];

    private LocalRedisReply(LocalRedisReplyKind kind, string? text, long integer, IReadOnlyList<LocalRedisReply> items)
    {
        Kind = kind;
        Text = text;
        Integer = integer;
        Items = items;
    }

    public static LocalRedisReply Null { get; } = new(LocalRedisReplyKind.Null, null, 0, NoItems);

    public LocalRedisReplyKind Kind { get; }

    /// <summary>The payload of a simple string, error or bulk string; null otherwise.</summary>
    public string? Text { get; }

    public long Integer { get; }

    /// <summary>The elements of an array; empty for every other kind.</summary>
    public IReadOnlyList<LocalRedisReply> Items { get; }

    public static LocalRedisReply Simple(string text) => new(LocalRedisReplyKind.SimpleString, text, 0, NoItems);

    public static LocalRedisReply Error(string text) => new(LocalRedisReplyKind.Error, text, 0, NoItems);

    public static LocalRedisReply Bulk(string text) => new(LocalRedisReplyKind.BulkString, text, 0, NoItems);

    public static LocalRedisReply Number(long value) => new(LocalRedisReplyKind.Integer, null, value, NoItems);

    public static LocalRedisReply List(IReadOnlyList<LocalRedisReply> items) => new(LocalRedisReplyKind.Array, null, 0, items);

    /// <summary>
    /// Renders the reply the way <c>redis-cli</c> does when its output is not a terminal: scalars as their
    /// value, arrays flattened one element per line, nil as an empty string. Scripts and tests written
    /// against redis-cli output therefore read the same text here.
    /// </summary>
    public string ToText()
    {
        if (Kind != LocalRedisReplyKind.Array)
        {
            return ScalarText();
        }
        var builder = new StringBuilder();
        AppendFlattened(builder);
        return builder.ToString();
    }

    private string ScalarText() => Kind switch
    {
        LocalRedisReplyKind.Integer => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        LocalRedisReplyKind.Null => string.Empty,
        _ => Text ?? string.Empty,
    };

    private void AppendFlattened(StringBuilder builder)
    {
        foreach (LocalRedisReply item in Items)
        {
            if (item.Kind == LocalRedisReplyKind.Array)
            {
                item.AppendFlattened(builder);
                continue;
            }
            if (builder.Length > 0)
            {
                builder.Append('\n');
            }
            builder.Append(item.ScalarText());
        }
    }

    public override string ToString() => ToText();
}
