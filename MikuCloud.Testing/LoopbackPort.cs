using System.Net;
using System.Net.Sockets;

namespace MikuCloud.Testing;

/// <summary>Loopback ports for servers the tests start themselves (PostgreSQL, Redis) and for addresses nobody answers on.</summary>
public static class LoopbackPort
{
    /// <summary>
    /// A port free a moment ago (taken and released at once): for a server that must be told its port. Where the
    /// server can take port 0 and say which it got (Kestrel, the fake Ollama), let it: another test may take this one first.
    /// </summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
