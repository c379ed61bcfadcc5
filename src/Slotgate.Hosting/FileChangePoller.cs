using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Slotgate.Hosting;

/// <summary>
/// Re-reads a set of files every interval and calls a reload action when their content changed. Content, not mtime or
/// inotify: Kubernetes updates a mounted Secret by swapping a <c>..data</c> symlink, which changes neither the watched
/// path's own inode nor, reliably, a timestamp the process can see; the files are small, so reading them is cheap.
/// Only a hash of the content is kept. A reload that throws keeps what was loaded before and is logged once per
/// distinct content (a half-written pair of files is retried on the next poll without repeating the warning).
/// </summary>
internal sealed partial class FileChangePoller : IDisposable
{
    private readonly string _what;
    private readonly IReadOnlyList<string> _files;
    private readonly Action _reload;
    private readonly ILogger _logger;
    private readonly Timer _timer;
    private readonly object _gate = new();
    private byte[] _loaded;
    private byte[]? _failed;
    private bool _disposed;

    /// <param name="what">What the files are, for log lines (e.g. "TLS listener certificate").</param>
    /// <param name="reload">Loads the files and applies them; throws to keep the previous state.</param>
    public FileChangePoller(string what, IReadOnlyList<string> files, TimeSpan interval, Action reload, ILogger logger)
    {
        _what = what;
        _files = files;
        _reload = reload;
        _logger = logger;
        _loaded = Fingerprint();
        _timer = new Timer(_ => Poll(), null, interval, interval);
    }

    /// <summary>Checks the files now; true when they had changed and the reload succeeded.</summary>
    public bool Poll()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }
            byte[] current;
            try
            {
                current = Fingerprint();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A file missing for a moment (a mount being swapped) is tried again at the next poll.
                Log.ReadFailed(_logger, _what, ex.Message);
                return false;
            }
            if (current.AsSpan().SequenceEqual(_loaded) || (_failed is not null && current.AsSpan().SequenceEqual(_failed)))
            {
                return false;
            }
            try
            {
                _reload();
                _loaded = current;
                _failed = null;
                Log.Reloaded(_logger, _what, string.Join(", ", _files));
                return true;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                _failed = current;
                Log.LoadFailed(_logger, _what, ex.Message);
                return false;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }
        _timer.Dispose();
    }

    private byte[] Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in _files)
        {
            byte[] content = File.Exists(file) ? File.ReadAllBytes(file) : [];
            hash.AppendData(BitConverter.GetBytes(content.Length));
            hash.AppendData(content);
            CryptographicOperations.ZeroMemory(content);
        }
        return hash.GetHashAndReset();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 670, Level = LogLevel.Debug, Message = "Could not read the {What} files: {Error}")]
        public static partial void ReadFailed(ILogger logger, string what, string error);

        [LoggerMessage(EventId = 671, Level = LogLevel.Information, Message = "Reloaded the {What} from {Files}")]
        public static partial void Reloaded(ILogger logger, string what, string files);

        [LoggerMessage(EventId = 672, Level = LogLevel.Warning, Message = "The {What} files changed but do not load; keeping the previous one: {Error}")]
        public static partial void LoadFailed(ILogger logger, string what, string error);
    }
}
