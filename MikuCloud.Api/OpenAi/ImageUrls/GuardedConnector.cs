using System.Net;
using System.Net.Sockets;

namespace MikuCloud.Api.OpenAi.ImageUrls;

/// <summary>
/// The image fetch client's <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host itself, refuses the
/// connection unless the policy allows EVERY address the name resolves to, and then connects to one of those very
/// addresses — so no second DNS answer (rebinding) can slip another address in between the check and the connection.
/// </summary>
public sealed class GuardedConnector(ImageFetchAddressPolicy policy)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0 || addresses.Any(a => !policy.Allows(host, a)))
        {
            throw new ImageUrlBlockedException();
        }

        SocketException? failed = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failed = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw failed!;
    }
}
