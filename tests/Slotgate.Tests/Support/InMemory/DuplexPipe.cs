using System.IO.Pipelines;

namespace Slotgate.Tests.Support.InMemory;

internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input => input;

    public PipeWriter Output => output;
}
