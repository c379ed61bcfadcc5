using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Slotgate.Controller.Tests.Kubernetes;

/// <summary>
/// A loopback HTTP server that answers the controller's GETs from canned JSON (by path) and records every PATCH, so the
/// thin API-server loop can be run end to end without a cluster.
/// </summary>
internal sealed class FakeApiServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, string> _responses;
    private readonly Task _serving;

    public FakeApiServer(Dictionary<string, string> responses)
    {
        _responses = responses;
        int port = FreePort();
        BaseAddress = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseAddress);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string BaseAddress { get; }

    public List<(string Path, string Query, string ContentType, string Body)> Patches { get; } = [];

    public List<string> Unanswered { get; } = [];

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            string path = context.Request.Url!.AbsolutePath;
            string body = "{}";
            if (context.Request.HttpMethod == "PATCH")
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                string content = await reader.ReadToEndAsync();
                lock (Patches)
                {
                    Patches.Add((path, context.Request.Url.Query, context.Request.ContentType ?? "", content));
                }
            }
            else if (!_responses.TryGetValue(path, out body!))
            {
                lock (Unanswered)
                {
                    Unanswered.Add(path);
                }
                context.Response.StatusCode = 404;
                body = """{"kind":"Status","code":404}""";
            }
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
