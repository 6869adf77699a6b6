using System.Net;

namespace MikuCloud.Api.OpenAi.ImageUrls;

/// <summary>
/// Decides which addresses an image fetch may connect to: public ones only (<see cref="PublicAddresses"/>). Every
/// address a host name resolves to is asked about before any connection is made.
/// </summary>
/// <remarks>
/// A type rather than a setting so that nothing in configuration can widen it: the only other policy is the tests',
/// which replace this registration to reach an image server on loopback under one test host name.
/// </remarks>
public class ImageFetchAddressPolicy
{
    /// <summary>True when the fetch of <paramref name="host"/> may connect to <paramref name="address"/>.</summary>
    public virtual bool Allows(string host, IPAddress address) => PublicAddresses.IsPublic(address);
}
