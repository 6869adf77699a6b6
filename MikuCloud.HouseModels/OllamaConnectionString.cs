using System.Data.Common;

namespace MikuCloud.HouseModels;

/// <summary>
/// The Aspire connection string for Ollama: <c>Endpoint=http://host:port</c>, optionally <c>;Model=miku-vl</c>.
/// A bare URL is accepted too.
/// </summary>
/// <param name="Endpoint">The server's base address.</param>
/// <param name="Model">The model, when the connection string names one.</param>
public sealed record OllamaConnectionString(Uri Endpoint, string? Model)
{
    /// <summary>Parses the connection string; the error says what form is expected.</summary>
    public static OllamaConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        if (Uri.TryCreate(connectionString.Trim(), UriKind.Absolute, out var bare) && bare.Scheme is "http" or "https")
        {
            return new OllamaConnectionString(bare, null);
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!builder.TryGetValue("Endpoint", out var endpoint)
            || !Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
        {
            throw new FormatException("The Ollama connection string must look like 'Endpoint=http://host:11434' (optionally ';Model=name').");
        }

        var model = builder.TryGetValue("Model", out var m) ? m?.ToString() : null;
        return new OllamaConnectionString(uri, string.IsNullOrWhiteSpace(model) ? null : model);
    }
}
