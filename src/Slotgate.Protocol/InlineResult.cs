namespace Slotgate.Protocol;

/// <summary>What scanning an inline command line produced.</summary>
internal enum InlineResult
{
    /// <summary>No line end yet.</summary>
    NeedMore,

    /// <summary>A blank line, skipped as Redis skips it.</summary>
    Empty,

    /// <summary>A command is in the frame.</summary>
    Parsed,
}
