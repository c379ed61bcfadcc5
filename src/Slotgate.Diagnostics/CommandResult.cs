namespace Slotgate.Diagnostics;

/// <summary>How a command ended, as the <c>result</c> metric label.</summary>
internal enum CommandResult
{
    Ok,
    Error,
    Timeout,
    Redirect,
}
