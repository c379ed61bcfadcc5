using Slotgate.Backend;

namespace Slotgate.Proxy;

/// <summary>
/// The blocking commands one client has in progress, each waiting on a connection of its own: what CLIENT UNBLOCK
/// reaches and the idle timeout spares, and what is cut off when the client leaves (a blocking command could otherwise
/// wait forever). The commands add and remove themselves from their connections' threads; the session, CLIENT
/// commands and the idle reaper read it from theirs.
/// </summary>
internal sealed class BlockedCommandTracker
{
    private List<PinnedForward>? _commands; // created on first use: most clients never block

    /// <summary>The connection the client is blocked on right now, if any.</summary>
    public BackendConnection? BlockedOn
    {
        get
        {
            lock (this)
            {
                return _commands is { Count: > 0 } commands ? commands[0].Connection : null;
            }
        }
    }

    /// <summary>Remembers a blocking command in progress.</summary>
    public void Add(PinnedForward command)
    {
        lock (this)
        {
            (_commands ??= []).Add(command);
        }
    }

    /// <summary>Forgets a blocking command that finished.</summary>
    public void Remove(PinnedForward command)
    {
        lock (this)
        {
            _commands?.Remove(command);
        }
    }

    /// <summary>Cuts off every blocking command in progress: the client is gone or leaving.</summary>
    public void AbortAll()
    {
        PinnedForward[] commands;
        lock (this)
        {
            if (_commands is null or { Count: 0 })
            {
                return;
            }
            commands = [.. _commands];
        }
        foreach (PinnedForward command in commands)
        {
            command.Abort();
        }
    }
}
