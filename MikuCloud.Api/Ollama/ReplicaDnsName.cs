using System.Net;
using MikuCloud.Api.Ollama.Routing;

namespace MikuCloud.Api.Ollama;

/// <summary>
/// <c>Ollama:ReplicasDns</c> read: the name to resolve and how each address it resolves to is called.
/// </summary>
/// <param name="Scheme"><c>http</c> or <c>https</c>.</param>
/// <param name="Host">The DNS name (a headless Service: one A/AAAA record per ready pod).</param>
/// <param name="Port">Ollama's port on each replica.</param>
public sealed record ReplicaDnsName(string Scheme, string Host, int Port)
{
    /// <summary>Ollama's default port.</summary>
    public const int DefaultPort = 11434;

    /// <summary>Reads <c>host</c>, <c>host:port</c> or <c>http(s)://host:port</c>.</summary>
    /// <exception cref="FormatException">It is none of them.</exception>
    public static ReplicaDnsName Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || uri.Host.Length == 0)
        {
            throw new FormatException($"Ollama:ReplicasDns '{value}' is not a host name, host:port or http://host:port.");
        }

        var port = uri.IsDefaultPort && !text.EndsWith(":" + uri.Port, StringComparison.Ordinal) ? DefaultPort : uri.Port;
        return new ReplicaDnsName(uri.Scheme, uri.Host, port);
    }

    /// <summary>The replicas behind <paramref name="addresses"/>, in a stable order (so the router's tie-break is too).</summary>
    public IReadOnlyList<OllamaReplica> Replicas(IEnumerable<IPAddress> addresses, int slots) =>
        [.. addresses.Distinct().OrderBy(a => a.AddressFamily).ThenBy(a => a.ToString(), StringComparer.Ordinal)
            .Select(a => new OllamaReplica(new UriBuilder(Scheme, a.ToString(), Port).Uri, slots))];
}
