namespace MikuCloud.AppHost.Ollama;

/// <summary>
/// An Ollama server someone else runs (<c>external</c> mode). A resource of its own rather than a bare connection
/// string: Aspire lists connection-string parameters apart from the resources, so the server's dashboard commands
/// (list, running, unload all) would not be shown at all.
/// </summary>
/// <param name="name">Resource name (<c>ollama</c>).</param>
/// <param name="endpoint">The parameter that holds <c>Endpoint=http://host:port</c> (<c>ConnectionStrings:ollama</c>).</param>
public sealed class OllamaExternalResource(string name, ParameterResource endpoint) : Resource(name), IResourceWithConnectionString
{
    /// <summary>The parameter read from <c>ConnectionStrings:ollama</c>.</summary>
    public ParameterResource Endpoint { get; } = endpoint;

    /// <summary><c>Endpoint=http://host:port</c> as configured.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Endpoint}");
}
