using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MikuCloud.Web.Api;
using MikuCloud.Web.Auth;

namespace MikuCloud.Web.Knowledge;

/// <summary>Typed client for <c>/api/knowledge</c>, acting as the signed-in user (same credentials and policy as <see cref="MikuApiClient"/>).</summary>
public sealed class MikuKnowledgeClient : ApiClientBase, IMikuKnowledgeApi
{
    /// <summary>For DI: requests act for the user of the calling scope (request or circuit).</summary>
    [ActivatorUtilitiesConstructor]
    public MikuKnowledgeClient(HttpClient http, UserApiCredentials credentials)
        : base(http, credentials)
    {
    }

    /// <summary>Without credentials (tests of the wire format).</summary>
    public MikuKnowledgeClient(HttpClient http)
        : base(http, null)
    {
    }

    public Task<IReadOnlyList<KnowledgeBaseDto>> ListBasesAsync(CancellationToken cancellationToken = default) =>
        GetListAsync<KnowledgeBaseDto>("/api/knowledge/bases", cancellationToken);

    public async Task<KnowledgeBaseDto?> GetBaseAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/knowledge/bases/{id}"), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<KnowledgeBaseDto>(response, cancellationToken);
    }

    public async Task<KnowledgeBaseDto> CreateBaseAsync(KnowledgeBaseRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/api/knowledge/bases", request, cancellationToken);
        return await ReadAsync<KnowledgeBaseDto>(response, cancellationToken);
    }

    public async Task<KnowledgeBaseDto> UpdateBaseAsync(Guid id, KnowledgeBaseRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Patch, $"/api/knowledge/bases/{id}", request, cancellationToken);
        return await ReadAsync<KnowledgeBaseDto>(response, cancellationToken);
    }

    public Task DeleteBaseAsync(Guid id, CancellationToken cancellationToken = default) => DeleteAsync($"/api/knowledge/bases/{id}", cancellationToken);

    public Task<IReadOnlyList<KnowledgeDocumentDto>> ListDocumentsAsync(Guid baseId, CancellationToken cancellationToken = default) =>
        GetListAsync<KnowledgeDocumentDto>($"/api/knowledge/bases/{baseId}/documents", cancellationToken);

    public async Task<KnowledgeDocumentsAdded> AddDocumentAsync(Guid baseId, string fileName, Stream content, CancellationToken cancellationToken = default)
    {
        // Streamed: the bytes go from the browser's file straight into the request, never whole in the Web's memory.
        var part = new StreamContent(content, 64 * 1024);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent { { part, "files", fileName } };
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/knowledge/bases/{baseId}/documents") { Content = form },
            cancellationToken);
        return await ReadAsync<KnowledgeDocumentsAdded>(response, cancellationToken);
    }

    public Task DeleteDocumentAsync(Guid id, CancellationToken cancellationToken = default) =>
        DeleteAsync($"/api/knowledge/documents/{id}", cancellationToken);

    public async Task<KnowledgeDocumentDto> ReindexAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/knowledge/documents/{id}/reindex"), cancellationToken);
        return await ReadAsync<KnowledgeDocumentDto>(response, cancellationToken);
    }

    public async IAsyncEnumerable<KnowledgeDocumentDto> FollowAsync(Guid baseId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/knowledge/bases/{baseId}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureOkAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var sse in SseReader.ReadAsync(stream, cancellationToken))
        {
            if (Parse(sse) is { } document)
            {
                yield return document;
            }
        }
    }

    /// <summary>Maps one SSE event to the document it reports; other events are ignored (forward compatible).</summary>
    public static KnowledgeDocumentDto? Parse(SseEvent sse) =>
        sse.Name == "document" ? JsonSerializer.Deserialize<KnowledgeProgressEvent>(sse.Data, ApiJson.Options)?.Document : null;

    public async Task<KnowledgePageDto?> GetPageAsync(Guid documentId, int number, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/knowledge/documents/{documentId}/pages/{number}"),
            cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<KnowledgePageDto>(response, cancellationToken);
    }

    private async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureOkAsync(response, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<T>> GetListAsync<T>(string path, CancellationToken cancellationToken) =>
        await GetAsync<List<T>>(path, cancellationToken) ?? [];
}
