using Microsoft.Extensions.Logging;

namespace Slotgate.Diagnostics;

/// <summary>
/// The minimum log level, changeable while running (<c>POST /log-level</c>). The logging pipeline consults it
/// through a filter; a change applies to every logger at once, with no restart and no configuration reload.
/// </summary>
internal sealed class LogLevelSwitch(string initial)
{
    private int _level = (int)Enum.Parse<LogLevel>(initial, ignoreCase: true);

    public LogLevel Level
    {
        get => (LogLevel)Volatile.Read(ref _level);
        set => Volatile.Write(ref _level, (int)value);
    }

    public bool IsEnabled(LogLevel level) => level != LogLevel.None && level >= Level;
}
