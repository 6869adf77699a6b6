using System.Text.Json;

namespace MikuCloud.Contracts;

/// <summary>
/// How the contract is spelt on the wire: ASP.NET Core's web defaults (camelCase names, case-insensitive reading,
/// numbers also read from strings), which the API uses unchanged. Clients read and write with these so a record here
/// means the same JSON on both sides.
/// </summary>
public static class ApiJson
{
    /// <summary>The shared, read-only <see cref="JsonSerializerOptions.Web"/> instance.</summary>
    public static JsonSerializerOptions Options => JsonSerializerOptions.Web;
}
