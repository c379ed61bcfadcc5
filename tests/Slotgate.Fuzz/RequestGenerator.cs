using System.Text;

namespace Slotgate.Fuzz;

/// <summary>
/// Generates client input: pipelines of valid commands, multibulk or inline (with every quoting form the inline
/// splitter understands), plus the empty commands Redis skips. <see cref="Generate"/> also reports the arguments it
/// encoded, so a target can check that undamaged input parses back to exactly them.
/// </summary>
internal static class RequestGenerator
{
    // Names the whole-session target knows the reply of (see SessionTarget); the parser does not care.
    public static readonly string[] Names = ["GET", "SET", "PING", "ECHO", "get", "Set", "ping", "MGET", "EXISTS", "NOSUCHCMD"];

    private static readonly byte[] Alphabet = Encoding.Latin1.GetBytes("abcxyz019 \t\r\n\"'\\{}$*-+:\0\x7f\xff");

    /// <summary>A pipeline of 1..maxCommands commands; <paramref name="expected"/> gets each non-empty one's arguments.</summary>
    public static byte[] Generate(Random random, int maxCommands, int maxArgLength, List<byte[][]>? expected)
    {
        var output = new List<byte>();
        int commands = 1 + random.Next(maxCommands);
        for (int c = 0; c < commands; c++)
        {
            switch (random.Next(16))
            {
                case 0:
                    // Empty commands: skipped, never answered.
                    output.AddRange(random.Next(4) switch { 0 => "*0\r\n"u8, 1 => "*-1\r\n"u8, 2 => "\r\n"u8, _ => "\n"u8 });
                    continue;
                case < 5:
                    byte[][] inlineArgs = Arguments(random, maxArgLength, inline: true);
                    output.AddRange(EncodeInline(random, inlineArgs));
                    expected?.Add(inlineArgs);
                    break;
                default:
                    byte[][] args = Arguments(random, maxArgLength, inline: false);
                    output.AddRange(EncodeMultibulk(args));
                    expected?.Add(args);
                    break;
            }
        }
        return [.. output];
    }

    public static byte[] EncodeMultibulk(byte[][] args)
    {
        var output = new List<byte>();
        output.AddRange(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (byte[] arg in args)
        {
            output.AddRange(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            output.AddRange(arg);
            output.AddRange("\r\n"u8);
        }
        return [.. output];
    }

    private static byte[][] Arguments(Random random, int maxArgLength, bool inline)
    {
        int count = 1 + random.Next(random.Next(8) == 0 ? 40 : 4);
        var args = new byte[count][];
        args[0] = Encoding.ASCII.GetBytes(Names[random.Next(Names.Length)]);
        for (int i = 1; i < count; i++)
        {
            int length = random.Next(8) == 0 ? random.Next(maxArgLength + 1) : random.Next(Math.Min(12, maxArgLength + 1));
            var arg = new byte[length];
            for (int j = 0; j < length; j++)
            {
                arg[j] = random.Next(4) == 0 ? (byte)random.Next(256) : Alphabet[random.Next(Alphabet.Length)];
            }
            if (inline)
            {
                // A NUL ends an inline line (Redis splits a C string), so it cannot be expressed inline.
                arg = [.. arg.Where(b => b != 0)];
            }
            args[i] = arg;
        }
        return args;
    }

    /// <summary>Encodes arguments as one inline line, quoting each one in a form that round-trips it.</summary>
    private static byte[] EncodeInline(Random random, byte[][] args)
    {
        var output = new List<byte>();
        // Leading blanks are allowed, but not a '*' first byte (that would be multibulk).
        if (random.Next(4) == 0)
        {
            output.AddRange(random.Next(2) == 0 ? " "u8 : "\t \v"u8);
        }
        for (int i = 0; i < args.Length; i++)
        {
            if (i > 0)
            {
                output.AddRange(random.Next(4) == 0 ? "  \t"u8 : " "u8);
            }
            byte[] arg = args[i];
            bool plain = arg.Length > 0 && arg.All(b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'"' or (byte)'\'' or (byte)'\v' or (byte)'\f'));
            if (plain && random.Next(3) != 0)
            {
                output.AddRange(arg);
            }
            // Single quotes have no escapes, and a line feed inside them would still end the line.
            else if (!arg.AsSpan().ContainsAny("'\\\r\n"u8) && random.Next(2) == 0)
            {
                output.Add((byte)'\'');
                output.AddRange(arg);
                output.Add((byte)'\'');
            }
            else
            {
                output.Add((byte)'"');
                foreach (byte b in arg)
                {
                    AppendDoubleQuoted(random, output, b);
                }
                output.Add((byte)'"');
            }
        }
        output.AddRange(random.Next(3) == 0 ? "\n"u8 : "\r\n"u8);
        return [.. output];
    }

    private static void AppendDoubleQuoted(Random random, List<byte> output, byte b)
    {
        switch (b)
        {
            case (byte)'\n':
                output.AddRange("\\n"u8);
                return;
            case (byte)'\r':
                output.AddRange("\\r"u8);
                return;
            case (byte)'"' or (byte)'\\':
                output.Add((byte)'\\');
                output.Add(b);
                return;
        }
        if (b < 0x20 || b >= 0x7f || random.Next(8) == 0)
        {
            output.AddRange(Encoding.ASCII.GetBytes($"\\x{b:x2}"));
        }
        else
        {
            output.Add(b);
        }
    }
}
