using System.Text;

namespace Slotgate.Fuzz;

/// <summary>
/// Damages a valid RESP stream the ways hostile or broken peers do: bit flips, bytes swapped for protocol
/// punctuation, deleted or repeated ranges, truncation, injected headers with huge, negative or malformed lengths, and
/// CR/LF games. Most mutations are small so that the result stays close enough to RESP to reach deep parser states.
/// </summary>
internal static class Mutator
{
    private static readonly byte[] InterestingBytes = "\r\n*$-+:0123456789\"'\\ \t\0"u8.ToArray();

    // Lengths at and just past every limit and integer boundary the parsers check.
    private static readonly byte[][] InterestingTokens = ToBytes(
        "\r\n", "\n", "\r", "\r\r\n", "\n\r", "*0\r\n", "*-1\r\n", "*1\r\n", "$0\r\n\r\n", "$-1\r\n", "$-2\r\n",
        "*1048576\r\n", "*1048577\r\n", "*2147483647\r\n", "*2147483648\r\n", "*4294967296\r\n", "*-2147483649\r\n",
        "$536870912\r\n", "$536870913\r\n", "$4294967296\r\n", "$9223372036854775807\r\n", "$9223372036854775806\r\n",
        "$-9223372036854775808\r\n", "$99999999999999999999\r\n", "$+1\r\n", "$01\r\n", "$-0\r\n", "$ 1\r\n", "$1 \r\n",
        "$\r\n", "*\r\n", "$?\r\n", "*?\r\n", "%9223372036854775807\r\n", "|2147483647\r\n", "~-1\r\n", ">1\r\n",
        "_\r\n", "#t\r\n", "#x\r\n", "!-1\r\n", "=-1\r\n", "\"", "'", "\\x", "\\x4", "\\xZZ", "\"\\", "\0",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616");

    public static byte[] Mutate(Random random, byte[] input, int mutations)
    {
        var bytes = new List<byte>(input);
        for (int i = 0; i < mutations; i++)
        {
            MutateOnce(random, bytes);
        }
        return [.. bytes];
    }

    private static void MutateOnce(Random random, List<byte> bytes)
    {
        int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count + 1);
        switch (random.Next(10))
        {
            case 0 when bytes.Count > 0:
                int flip = random.Next(bytes.Count);
                bytes[flip] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when bytes.Count > 0:
                bytes[random.Next(bytes.Count)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 2 when bytes.Count > 0:
                bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                break;
            case 3 when at < bytes.Count:
                bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8)));
                break;
            case 4 when at < bytes.Count:
                int length = Math.Min(bytes.Count - at, 1 + random.Next(16));
                bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                break;
            case 5 when bytes.Count > 0:
                int cut = random.Next(bytes.Count);
                bytes.RemoveRange(cut, bytes.Count - cut);
                break;
            case 6:
                ReplaceNumber(random, bytes);
                break;
            default:
                bytes.InsertRange(at, InterestingTokens[random.Next(InterestingTokens.Length)]);
                break;
        }
    }

    /// <summary>Replaces a run of digits (most likely a length) with another number, often a boundary value.</summary>
    private static void ReplaceNumber(Random random, List<byte> bytes)
    {
        int start = -1;
        for (int tries = 0; tries < 4 && start < 0 && bytes.Count > 0; tries++)
        {
            int probe = random.Next(bytes.Count);
            if (char.IsAsciiDigit((char)bytes[probe]))
            {
                start = probe;
            }
        }
        if (start < 0)
        {
            return;
        }
        while (start > 0 && char.IsAsciiDigit((char)bytes[start - 1]))
        {
            start--;
        }
        int end = start;
        while (end < bytes.Count && char.IsAsciiDigit((char)bytes[end]))
        {
            end++;
        }
        long[] choices = [0, 1, 2, 3, 16, 64, 65, 1_048_576, 1_048_577, int.MaxValue, 1L << 32, 536_870_912, 536_870_913, long.MaxValue, -1, -2, long.MinValue];
        long value = random.Next(3) == 0 ? random.Next(-3, 300) : choices[random.Next(choices.Length)];
        string text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (start > 0 && bytes[start - 1] == (byte)'-' && text[0] == '-')
        {
            text = text[1..];
        }
        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, Encoding.ASCII.GetBytes(text));
    }

    private static byte[][] ToBytes(params string[] tokens) => [.. tokens.Select(Encoding.Latin1.GetBytes)];
}
