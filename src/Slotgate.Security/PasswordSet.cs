using System.Security.Cryptography;
using System.Text;

namespace Slotgate.Security;

/// <summary>
/// The passwords one user may authenticate with: several at once, so a password can be rotated without a moment where
/// clients are locked out. Only SHA-256 digests are kept (as Redis ACL keeps them); plaintext from the configuration
/// is hashed at start-up. Password files (a Kubernetes Secret mounted as a file, one password per line) are re-read
/// when they may have changed, at most once per <see cref="FileRecheckInterval"/>.
/// </summary>
internal sealed class PasswordSet
{
    public static readonly TimeSpan FileRecheckInterval = TimeSpan.FromSeconds(1);

    private readonly byte[][] _fixed;
    private readonly string[] _files;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private byte[][] _fromFiles = [];
    private long _filesReadAt = long.MinValue;

    public PasswordSet(IEnumerable<string> plaintext, IEnumerable<byte[]> digests, IEnumerable<string> files, TimeProvider? time = null)
    {
        _fixed = [.. plaintext.Select(p => SHA256.HashData(Encoding.UTF8.GetBytes(p))), .. digests];
        _files = [.. files];
        _time = time ?? TimeProvider.System;
    }

    /// <summary>True when no password at all is configured (neither inline nor in files).</summary>
    public bool IsEmpty => _fixed.Length == 0 && _files.Length == 0;

    /// <summary>
    /// Whether <paramref name="password"/> is one of the user's passwords. Every digest is compared in constant time
    /// and all of them are always compared, so the time taken says nothing about how close a guess was.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> password)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(password, digest);
        bool match = false;
        foreach (byte[] candidate in _fixed)
        {
            match |= CryptographicOperations.FixedTimeEquals(candidate, digest);
        }
        foreach (byte[] candidate in FileDigests())
        {
            match |= CryptographicOperations.FixedTimeEquals(candidate, digest);
        }
        return match;
    }

    /// <summary>Reads the files now (start-up validation); null when all are readable, else the first problem.</summary>
    public string? Load()
    {
        try
        {
            lock (_gate)
            {
                _fromFiles = ReadFiles();
                _filesReadAt = _time.GetTimestamp();
            }
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private byte[][] FileDigests()
    {
        if (_files.Length == 0)
        {
            return [];
        }
        lock (_gate)
        {
            if (_time.GetElapsedTime(_filesReadAt) >= FileRecheckInterval)
            {
                try
                {
                    _fromFiles = ReadFiles();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Keep the passwords last read: a Secret being swapped (its symlink replaced) may be missing for a
                    // moment, and locking every client out then would be worse than accepting the old password a while.
                }
                _filesReadAt = _time.GetTimestamp();
            }
            return _fromFiles;
        }
    }

    private byte[][] ReadFiles()
    {
        var digests = new List<byte[]>();
        foreach (string file in _files)
        {
            foreach (string line in File.ReadAllLines(file))
            {
                // A trailing newline (as `echo` and most editors leave) is not part of the password; blank lines are skipped.
                string password = line.TrimEnd('\r');
                if (password.Length > 0)
                {
                    digests.Add(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
                }
            }
        }
        return [.. digests];
    }
}
