namespace Slotgate.Tests.Commands;

internal static class TestFrames
{
    public static RequestFrame Create(params string[] args)
    {
        var frame = new RequestFrame();
        frame.Begin(args.Length);
        foreach (string arg in args)
        {
            frame.AppendArg(Encoding.UTF8.GetBytes(arg));
        }
        return frame;
    }

    /// <summary>Splits a command line on spaces; <c>""</c> stands for an empty argument.</summary>
    public static string[] Split(string commandLine) =>
        [.. commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == "\"\"" ? string.Empty : a)];
}
