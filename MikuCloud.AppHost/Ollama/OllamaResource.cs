namespace MikuCloud.AppHost.Ollama;

/// <summary>An Ollama server in a container (the default mode).</summary>
public sealed class OllamaResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    /// <summary>Name of the HTTP endpoint.</summary>
    public const string PrimaryEndpointName = "http";

    private EndpointReference? primaryEndpoint;

    /// <summary>The server's HTTP endpoint.</summary>
    public EndpointReference PrimaryEndpoint => primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary><c>Endpoint=http://host:port</c>, the form OllamaSharp clients and the API read.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}

/// <summary>An Ollama server started from <c>ollama serve</c> on this machine (the only GPU path on macOS).</summary>
public sealed class OllamaExecutableResource(string name, string workingDirectory)
    : ExecutableResource(name, "ollama", workingDirectory), IResourceWithConnectionString
{
    private EndpointReference? primaryEndpoint;

    /// <summary>The server's HTTP endpoint.</summary>
    public EndpointReference PrimaryEndpoint => primaryEndpoint ??= new(this, OllamaResource.PrimaryEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}
