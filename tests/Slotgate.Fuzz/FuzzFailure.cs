namespace Slotgate.Fuzz;

/// <summary>An input that broke an invariant: carries the exact bytes so it can be replayed and made a regression test.</summary>
public sealed class FuzzFailure : Exception
{
    public FuzzFailure(string target, string invariant, byte[] input, Exception? inner = null)
        : base($"{target}: {invariant}; input ({input.Length} bytes): {Escape(input)}", inner)
    {
        Target = target;
        Input = input;
    }

    public string Target { get; }

    public byte[] Input { get; }

    /// <summary>The input as a C# string literal body (printable ASCII as is, the rest as \xHH), short enough to paste.</summary>
    public static string Escape(byte[] input)
    {
        var builder = new System.Text.StringBuilder();
        foreach (byte b in input.Take(2048))
        {
            _ = b switch
            {
                (byte)'\r' => builder.Append("\\r"),
                (byte)'\n' => builder.Append("\\n"),
                (byte)'"' => builder.Append("\\\""),
                (byte)'\\' => builder.Append("\\\\"),
                >= 0x20 and < 0x7f => builder.Append((char)b),
                _ => builder.Append($"\\u{b:x4}"),
            };
        }
        return input.Length > 2048 ? builder.Append("...").ToString() : builder.ToString();
    }
}
