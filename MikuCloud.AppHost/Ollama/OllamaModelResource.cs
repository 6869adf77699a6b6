using MikuCloud.HouseModels;

namespace MikuCloud.AppHost.Ollama;

/// <summary>
/// A house model inside an Ollama server: shown as the server's child in the dashboard, with download
/// progress as its state, and healthy only once Ollama's <c>/api/show</c> finds it.
/// </summary>
public sealed class OllamaModelResource(string name, HouseModel model, IResourceWithConnectionString server)
    : Resource(name), IResourceWithParent<IResourceWithConnectionString>, IResourceWithConnectionString, IResourceWithWaitSupport
{
    /// <summary>The house model (name, base, Modelfile).</summary>
    public HouseModel Model { get; } = model;

    /// <summary>The Ollama server (container, local executable or external connection string).</summary>
    public IResourceWithConnectionString Parent { get; } = server;

    /// <summary><c>Endpoint=http://host:port;Model=miku-vl</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Model={Model.Name}");
}
