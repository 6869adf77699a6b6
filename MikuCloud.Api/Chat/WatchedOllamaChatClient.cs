using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using MikuCloud.Api.Models;
using OllamaSharp;

namespace MikuCloud.Api.Chat;

/// <summary>
/// The innermost chat client: OllamaSharp over an HttpClient made for each call, whose first handler is that call's
/// <see cref="OllamaStreamWatchHandler"/> with the <see cref="OllamaStreamWatch"/> the call's options carry; under it,
/// the pooled <c>ollama-chat</c> handlers (resilience, logging, the connection pool), shared by every call.
/// </summary>
/// <remarks>
/// Explicit rather than ambient: OllamaSharp's IChatClient gives the HTTP layer nothing per call, so the call's watch
/// travels down with its options instead of in an AsyncLocal. An OllamaApiClient and an HttpClient are a few small
/// objects; the sockets stay pooled in the shared handler. The call goes to the replica its watch names (the router's
/// choice for the turn), else to the connection string's endpoint.
/// </remarks>
public sealed class WatchedOllamaChatClient(IHttpMessageHandlerFactory handlers, OllamaEndpoint endpoint) : IChatClient
{
    /// <summary>The named HttpClient whose handlers every call shares.</summary>
    public const string HttpClientName = "ollama-chat";

    /// <summary>Where <c>UseOpenTelemetry</c> puts the GenAI spans by default.</summary>
    private const string GenAiSource = "Experimental.Microsoft.Extensions.AI";

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var http = HttpFor(options);
        return await Client(http).GetResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var http = HttpFor(options);
        await foreach (var update in Client(http).GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ChatClientMetadata)
            ? new ChatClientMetadata("ollama", endpoint.Endpoint, endpoint.Model)
            : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private HttpClient HttpFor(ChatOptions? options)
    {
        var watch = OllamaStreamWatch.From(options) ?? new OllamaStreamWatch();
        var server = watch.Replica ?? endpoint.Endpoint;
        // The GenAI span (UseOpenTelemetry, above) named the server from this client's metadata: the replica is the truth.
        if (Activity.Current is { Source.Name: GenAiSource } span)
        {
            span.SetTag("server.address", server.Host);
            span.SetTag("server.port", server.Port);
        }

        // disposeHandler: false — the handler under this call's is the factory's pooled chain, not this call's to dispose.
        var handler = new OllamaStreamWatchHandler(watch)
        {
            InnerHandler = handlers.CreateHandler(HttpClientName),
        };
        return new HttpClient(handler, disposeHandler: false) { BaseAddress = server };
    }

    private IChatClient Client(HttpClient http) => new OllamaApiClient(http, endpoint.Model);
}
