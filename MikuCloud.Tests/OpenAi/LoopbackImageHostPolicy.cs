using System.Net;
using MikuCloud.Api.OpenAi.ImageUrls;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// The tests' address policy: the real one, plus loopback for the one host name <c>localhost</c>, where the
/// <see cref="ImageServer"/> runs. A loopback address written any other way (127.0.0.1, [::1]) is still refused, so a
/// redirect from the test host to one of those shows the check on every hop.
/// </summary>
public sealed class LoopbackImageHostPolicy : ImageFetchAddressPolicy
{
    public override bool Allows(string host, IPAddress address) =>
        base.Allows(host, address) || (host == "localhost" && IPAddress.IsLoopback(address));
}
