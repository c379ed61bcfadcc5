using System.Buffers;
using System.Globalization;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>
/// INFO over a cluster: the sections that describe data add up across primaries. Keyspace counts and the integer
/// fields of Memory and Stats are summed (used_memory, keyspace_hits, total_commands_processed...), so the client sees
/// the cluster as one server; fields that cannot be summed (ratios, policies) come from the first primary, and the
/// human-readable copies (<c>*_human</c>) are left out rather than shown wrong.
/// </summary>
internal static class InfoAggregator
{
    /// <summary>The INFO sections Slotgate gathers from the primaries (the others describe Slotgate itself).</summary>
    public static readonly string[] Sections = ["memory", "stats", "keyspace"];

    public static void Merge(ProxyRequest parent, IBufferWriter<byte> output)
    {
        // section name → field → (summed value or first text), keeping first-seen order.
        var sections = new List<(string Name, List<string> Order, Dictionary<string, string> Text, Dictionary<string, long> Sums)>();
        long keys = 0;
        long expires = 0;
        foreach (ProxyRequest child in parent.Children)
        {
            RespValue value = RespValue.Parse(new ReadOnlySequence<byte>(child.Reply));
            (string Name, List<string> Order, Dictionary<string, string> Text, Dictionary<string, long> Sums)? current = null;
            foreach (string raw in (value.Text ?? string.Empty).Split('\n'))
            {
                string line = raw.TrimEnd('\r');
                if (line.StartsWith("# ", StringComparison.Ordinal))
                {
                    string name = line[2..];
                    current = sections.Find(s => s.Name == name);
                    if (current is null || current.Value.Name is null)
                    {
                        current = (name, [], [], []);
                        sections.Add(current.Value);
                    }
                    continue;
                }
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0 || current is not { } section)
                {
                    continue;
                }
                string field = line[..colon];
                string text = line[(colon + 1)..];
                if (section.Name == "Keyspace")
                {
                    if (field == "db0")
                    {
                        keys += Field(text, "keys");
                        expires += Field(text, "expires");
                    }
                    continue;
                }
                if (field.EndsWith("_human", StringComparison.Ordinal))
                {
                    continue;
                }
                if (!section.Text.ContainsKey(field) && !section.Sums.ContainsKey(field))
                {
                    section.Order.Add(field);
                }
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long number) && !section.Text.ContainsKey(field))
                {
                    section.Sums[field] = section.Sums.GetValueOrDefault(field) + number;
                }
                else if (!section.Sums.ContainsKey(field))
                {
                    section.Text.TryAdd(field, text);
                }
            }
        }
        var result = new StringBuilder(parent.InfoPrefix);
        foreach (var section in sections)
        {
            if (section.Name == "Keyspace")
            {
                continue;
            }
            result.Append("# ").Append(section.Name).Append("\r\n");
            foreach (string field in section.Order)
            {
                result.Append(field).Append(':');
                if (section.Name == "Stats" && parent.InfoStats is { } own && own.TryGetValue(field, out string? mine))
                {
                    result.Append(mine);
                }
                else if (section.Sums.TryGetValue(field, out long sum))
                {
                    result.Append(sum.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    result.Append(section.Text[field]);
                }
                result.Append("\r\n");
            }
            result.Append("\r\n");
        }
        result.Append(parent.InfoSuffix);
        if (parent.InfoKeyspace)
        {
            result.Append("# Keyspace\r\n");
            if (keys > 0)
            {
                result.Append(CultureInfo.InvariantCulture, $"db0:keys={keys},expires={expires},avg_ttl=0\r\n");
            }
            result.Append("\r\n");
        }
        TrimLastBlankLine(result);
        ReplyShapes.WriteText(output, result.ToString(), parent.Resp3);
    }

    private static long Field(string text, string name)
    {
        foreach (string part in text.Split(','))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part.AsSpan(0, eq).SequenceEqual(name) &&
                long.TryParse(part.AsSpan(eq + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }
        }
        return 0;
    }

    /// <summary>
    /// Every section is written followed by a blank line; Redis puts blank lines only between sections, so the reply
    /// ends with the last field's line (an unknown section alone gives an empty reply).
    /// </summary>
    public static void TrimLastBlankLine(StringBuilder text)
    {
        int length = text.Length;
        if (length >= 4 && text[length - 4] == '\r' && text[length - 3] == '\n' && text[length - 2] == '\r' && text[length - 1] == '\n')
        {
            text.Length = length - 2;
        }
    }
}
