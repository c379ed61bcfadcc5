using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Slotgate.Tests.Support;

/// <summary>
/// A logger provider that keeps every formatted line (with the exception, if any, after it), for tests that look for
/// a line Slotgate logged or for a secret that must not be in any. With <c>category</c>, only that logger's lines.
/// </summary>
internal sealed class LogCollector(ConcurrentQueue<string> lines, string? category = null) : ILoggerProvider
{
    public LogCollector(string? category = null)
        : this(new ConcurrentQueue<string>(), category)
    {
    }

    public ConcurrentQueue<string> Lines { get; } = lines;

    public ILogger CreateLogger(string categoryName) =>
        category is null || categoryName == category ? new Logger(Lines) : NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));
    }
}
