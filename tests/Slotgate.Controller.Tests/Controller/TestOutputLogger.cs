using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

/// <summary>The controller's log lines in the test's output (shown when a test fails), each tagged with the replica.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, string replica) : ILoggerProvider
{
    private volatile bool _closed;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() => _closed = true;

    private void Write(string line)
    {
        if (_closed)
        {
            return;
        }
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{replica}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; a background loop may still log while it stops.
        }
    }

    private sealed class Logger(TestOutputLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Write($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
    }
}
