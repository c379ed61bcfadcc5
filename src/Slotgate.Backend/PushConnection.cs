using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Slotgate.Protocol;

namespace Slotgate.Backend;

/// <summary>
/// A connection whose incoming frames are not replies to requests in order but a stream: the pub/sub connection of one
/// subscribed client. Every complete frame (subscription confirmations and published messages alike) is handed to
/// <see cref="IPushHandler.OnFrame"/> on the reader thread; writes are serialised by a lock.
/// </summary>
internal sealed partial class PushConnection
{
    private readonly IBackendConnector _connector;
    private readonly BackendSettings _settings;
    private readonly ILogger _logger;
    private readonly IPushHandler _handler;
    private readonly object _writeLock = new();
    private readonly List<byte[]> _beforeConnect = [];
    private BackendTransport? _transport;
    private int _closed;
    private readonly bool _resp3;

    public PushConnection(string endpoint, IBackendConnector connector, BackendSettings settings, ILogger logger, IPushHandler handler, bool resp3 = false)
    {
        _resp3 = resp3;
        Endpoint = endpoint;
        _connector = connector;
        _settings = settings;
        _logger = logger;
        _handler = handler;
    }

    public string Endpoint { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// Connects in the background. Never on the caller's thread: a refused connect can fail synchronously, and the
    /// handler's OnClosed would then run before the caller has even stored this connection, so it could not tell
    /// that its subscriptions need re-establishing.
    /// </summary>
    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>Writes one encoded command (queued until connected). Never blocks.</summary>
    public void Send(ReadOnlySpan<byte> command)
    {
        lock (_writeLock)
        {
            if (IsClosed)
            {
                return;
            }
            if (_transport is null)
            {
                _beforeConnect.Add(command.ToArray());
                return;
            }
            _transport.Output.Write(command);
            _ = _transport.Output.FlushAsync();
        }
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _transport?.Abort();
        }
    }

    private async Task RunAsync()
    {
        string reason = "connection closed";
        try
        {
            using var timeout = new CancellationTokenSource(_settings.ConnectTimeout);
            BackendTransport transport = await _connector.ConnectAsync(Endpoint, timeout.Token).ConfigureAwait(false);
            lock (_writeLock)
            {
                _transport = transport;
                if (IsClosed)
                {
                    transport.Abort();
                    return;
                }
                if (_settings.Credentials.AuthArguments() is { } authArguments)
                {
                    var auth = new RequestFrame();
                    auth.Set(authArguments);
                    // Its reply is the first frame; the handler was told to skip it (see PubSubService.HandshakeReplies).
                    transport.Output.Write(auth.Bytes);
                }
                if (_resp3)
                {
                    // Its reply is skipped by the handler too (see PubSubService.HandshakeReplies).
                    transport.Output.Write("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n"u8);
                }
                foreach (byte[] command in _beforeConnect)
                {
                    transport.Output.Write(command);
                }
                _beforeConnect.Clear();
                _ = transport.Output.FlushAsync();
            }
            await ReadLoopAsync(transport).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            reason = ex.Message;
        }
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _transport?.Abort();
            Log.Lost(_logger, Endpoint, reason);
            _handler.OnClosed(this, $"ERR Slotgate: pub/sub connection to node {Endpoint} lost ({reason})");
        }
    }

    private async Task ReadLoopAsync(BackendTransport transport)
    {
        while (true)
        {
            ReadResult result = await transport.Input.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            SequencePosition start = reader.Position;
            while (RespScanner.TrySkipValue(ref reader))
            {
                _handler.OnFrame(this, buffer.Slice(start, reader.Position));
                start = reader.Position;
            }
            transport.Input.AdvanceTo(start, buffer.End);
            if (result.IsCompleted || result.IsCanceled || IsClosed)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 320, Level = LogLevel.Debug, Message = "Pub/sub connection to {Endpoint} lost: {Reason}")]
        public static partial void Lost(ILogger logger, string endpoint, string reason);
    }
}
