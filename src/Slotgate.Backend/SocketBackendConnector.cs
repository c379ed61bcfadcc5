using System.IO.Pipelines;
using System.Net.Sockets;

namespace Slotgate.Backend;

/// <summary>Plain TCP to the node through a <see cref="NetworkStream"/> and stream pipes (used where Kestrel's socket transport is not).</summary>
internal sealed class SocketBackendConnector : IBackendConnector
{
    public async Task<BackendTransport> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        Socket socket = await BackendSockets.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var pipe = new DuplexPipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024)));
        return new BackendTransport(pipe, () => BackendSockets.Close(socket));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
