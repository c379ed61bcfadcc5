using System.Buffers;
using System.Buffers.Text;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>Connection commands Slotgate answers itself: PING, ECHO, QUIT, SELECT, READONLY, READWRITE, ASKING, RESET, MONITOR.</summary>
internal static class ConnectionCommands
{
    public static void Ping(ProxyRequest request)
    {
        if (request.Frame.ArgCount == 1)
        {
            request.ReplyWriter.Write("+PONG\r\n"u8);
        }
        else
        {
            RespWriter.WriteBulkString(request.ReplyWriter, request.Frame.Arg(1));
        }
    }

    public static void Echo(ProxyRequest request) => RespWriter.WriteBulkString(request.ReplyWriter, request.Frame.Arg(1));

    /// <summary>+OK, then the connection closes once the reply is written.</summary>
    public static void Quit(ClientSession session, ProxyRequest request)
    {
        request.ReplyWriter.Write("+OK\r\n"u8);
        session.CloseAfter(request);
    }

    /// <summary>SELECT 0 only: a Redis Cluster has database 0 alone.</summary>
    public static void Select(ProxyRequest request)
    {
        ReadOnlySpan<byte> argument = request.Frame.Arg(1);
        if (!Utf8Parser.TryParse(argument, out long db, out int used) || used != argument.Length)
        {
            request.SetError("ERR value is not an integer or out of range");
        }
        else if (db != 0)
        {
            // Redis Cluster has only database 0 and says so in these words.
            request.SetError("ERR SELECT is not allowed in cluster mode");
        }
        else
        {
            Ok(request);
        }
    }

    /// <summary>RESET: the client's name is cleared, it leaves MONITOR mode and is signed out.</summary>
    public static void Reset(ClientSession session, ProxyRequest request)
    {
        session.StopMonitoring();
        if (session.Tracking is { } tracking)
        {
            tracking.Service.Disable(tracking);
        }
        session.Info.Name = null;
        session.SignOut();
        request.ReplyWriter.Write("+RESET\r\n"u8);
    }

    /// <summary>
    /// MONITOR: +OK, then a line for every command any client runs through this Slotgate (<see cref="MonitorFeed"/>).
    /// </summary>
    public static void Monitor(ClientSession session, ProxyRequest request)
    {
        session.StartMonitoring();
        Ok(request);
    }

    public static void Ok(ProxyRequest request) => request.ReplyWriter.Write("+OK\r\n"u8);
}
