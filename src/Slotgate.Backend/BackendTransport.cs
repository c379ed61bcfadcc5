using System.IO.Pipelines;

namespace Slotgate.Backend;

/// <summary>An open connection to a node: its pipes and a way to tear it down at once.</summary>
internal sealed class BackendTransport(IDuplexPipe pipe, Action abort)
{
    private int _aborted;

    public PipeReader Input => pipe.Input;

    public PipeWriter Output => pipe.Output;

    /// <summary>Closes the connection; pending reads and writes end. Safe to call more than once.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            abort();
        }
    }
}
