namespace Slotgate.LoadBench;

/// <summary>A failure the run cannot continue past; the message is what the user sees, so it names what failed.</summary>
internal sealed class LoadBenchException : Exception
{
    public LoadBenchException()
    {
    }

    public LoadBenchException(string message)
        : base(message)
    {
    }

    public LoadBenchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
