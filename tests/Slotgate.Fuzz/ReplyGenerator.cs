using System.Text;

namespace Slotgate.Fuzz;

/// <summary>
/// Generates backend replies: streams of RESP2 and RESP3 values (every type the scanner knows, nested aggregates,
/// attributes, nulls), recording where each top-level value ends so undamaged input can be checked exactly.
/// </summary>
internal static class ReplyGenerator
{
    public static byte[] Generate(Random random, int maxValues, List<int>? ends)
    {
        var output = new List<byte>();
        int values = 1 + random.Next(maxValues);
        for (int i = 0; i < values; i++)
        {
            AppendValue(random, output, depth: 0);
            ends?.Add(output.Count);
        }
        return [.. output];
    }

    private static void AppendValue(Random random, List<byte> output, int depth)
    {
        int kind = random.Next(depth >= 3 ? 12 : 18);
        switch (kind)
        {
            case 0:
                Line(output, '+', Text(random, 8));
                break;
            case 1:
                Line(output, '-', "ERR " + Text(random, 12));
                break;
            case 2:
                Line(output, ':', random.NextInt64(long.MinValue, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case 3:
                output.AddRange("$-1\r\n"u8);
                break;
            case 4:
                output.AddRange("_\r\n"u8);
                break;
            case 5:
                output.AddRange(random.Next(2) == 0 ? "#t\r\n"u8 : "#f\r\n"u8);
                break;
            case 6:
                Line(output, ',', random.Next(4) switch { 0 => "inf", 1 => "-inf", 2 => "nan", _ => "3.25" });
                break;
            case 7:
                Line(output, '(', "-" + new string('9', 1 + random.Next(40)));
                break;
            case 8:
                Blob(output, '!', Encoding.Latin1.GetBytes("ERR " + Text(random, 10)));
                break;
            case 9:
                Blob(output, '=', Encoding.Latin1.GetBytes("txt:" + Text(random, 10)));
                break;
            case 10:
                output.AddRange("*-1\r\n"u8);
                break;
            case 11:
                // Bulk payloads may hold anything, CR and LF included.
                var payload = new byte[random.Next(random.Next(8) == 0 ? 400 : 16)];
                random.NextBytes(payload);
                Blob(output, '$', payload);
                break;
            default:
                char type = "*~>%|*"[random.Next(6)];
                int count = random.Next(depth == 0 && random.Next(6) == 0 ? 20 : 4);
                Line(output, type, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                int children = type is '%' or '|' ? 2 * count : count;
                for (int i = 0; i < children; i++)
                {
                    AppendValue(random, output, depth + 1);
                }
                if (type == '|')
                {
                    // An attribute describes the value that follows it.
                    AppendValue(random, output, depth + 1);
                }
                break;
        }
    }

    private static string Text(Random random, int maxLength)
    {
        var chars = new char[random.Next(maxLength + 1)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)random.Next(0x20, 0x7f);
        }
        return new string(chars);
    }

    private static void Line(List<byte> output, char type, string content)
    {
        output.Add((byte)type);
        output.AddRange(Encoding.Latin1.GetBytes(content));
        output.AddRange("\r\n"u8);
    }

    private static void Blob(List<byte> output, char type, byte[] payload)
    {
        Line(output, type, payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        output.AddRange(payload);
        output.AddRange("\r\n"u8);
    }
}
