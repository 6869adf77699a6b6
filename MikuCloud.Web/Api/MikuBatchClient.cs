using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MikuCloud.Web.Auth;

namespace MikuCloud.Web.Api;

/// <summary>Typed client for <c>/api/batches</c>, acting as the signed-in user (same credentials and policy as <see cref="MikuApiClient"/>).</summary>
public sealed class MikuBatchClient : ApiClientBase, IMikuBatchApi
{
    /// <summary>For DI: requests act for the user of the calling scope (request or circuit).</summary>
    [ActivatorUtilitiesConstructor]
    public MikuBatchClient(HttpClient http, UserApiCredentials credentials)
        : base(http, credentials)
    {
    }

    /// <summary>Without credentials (tests of the wire format).</summary>
    public MikuBatchClient(HttpClient http)
        : base(http, null)
    {
    }

    public async Task<Page<BatchDto>> ListBatchesAsync(string? cursor, int limit = 50, CancellationToken cancellationToken = default) =>
        await GetAsync<Page<BatchDto>>($"/api/batches?limit={limit}" + Cursor(cursor), cancellationToken) ?? new Page<BatchDto>([], null);

    public async Task<BatchDto?> GetBatchAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/batches/{id}"), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<BatchDto>(response, cancellationToken);
    }

    public async Task<BatchDto> CreateDraftAsync(NewBatchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new MultipartFormDataContent { { new StringContent(request.Prompt), "prompt" }, { new StringContent("false"), "start" } };
        Add(form, "presetId", request.PresetId);
        Add(form, "schema", request.Schema);
        Add(form, "name", request.Name);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/batches") { Content = form }, cancellationToken);
        return (await ReadAsync<BatchItemsAdded>(response, cancellationToken)).Batch;
    }

    public async Task<BatchItemsAdded> AddFileAsync(Guid id, string fileName, Stream content, CancellationToken cancellationToken = default)
    {
        // Streamed: the bytes go from the browser's file straight into the request, never whole in the Web's memory.
        var part = new StreamContent(content, 64 * 1024);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent { { part, "files", fileName } };
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/batches/{id}/items") { Content = form }, cancellationToken);
        return await ReadAsync<BatchItemsAdded>(response, cancellationToken);
    }

    public Task<BatchDto> StartAsync(Guid id, CancellationToken cancellationToken = default) => PostAsync($"/api/batches/{id}/start", cancellationToken);

    public Task<BatchDto> CancelAsync(Guid id, CancellationToken cancellationToken = default) => PostAsync($"/api/batches/{id}/cancel", cancellationToken);

    public Task<BatchDto> RetryFailedAsync(Guid id, CancellationToken cancellationToken = default) =>
        PostAsync($"/api/batches/{id}/retry-failed", cancellationToken);

    public Task<BatchDto> RetryItemAsync(Guid id, Guid itemId, CancellationToken cancellationToken = default) =>
        PostAsync($"/api/batches/{id}/items/{itemId}/retry", cancellationToken);

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/batches/{id}"), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureOkAsync(response, cancellationToken);
        }
    }

    public async Task<Page<BatchItemDto>> ListItemsAsync(Guid id, string? cursor, int limit = 100, CancellationToken cancellationToken = default) =>
        await GetAsync<Page<BatchItemDto>>($"/api/batches/{id}/items?limit={limit}" + Cursor(cursor), cancellationToken) ?? new Page<BatchItemDto>([], null);

    public async IAsyncEnumerable<BatchEvent> FollowAsync(Guid id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/batches/{id}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureOkAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var sse in SseReader.ReadAsync(stream, cancellationToken))
        {
            if (Parse(sse) is { } batchEvent)
            {
                yield return batchEvent;
            }
        }
    }

    /// <summary>Maps one SSE event to a <see cref="BatchEvent"/>; unknown events are ignored (forward compatible).</summary>
    public static BatchEvent? Parse(SseEvent sse) => sse.Name switch
    {
        "progress" => new BatchProgressed(Deserialize<BatchProgressEvent>(sse.Data).Batch),
        "item" => new BatchItemFinished(Deserialize<BatchItemDto>(sse.Data)),
        "done" => new BatchFinished(Deserialize<BatchDto>(sse.Data)),
        _ => null,
    };

    private async Task<BatchDto> PostAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path), cancellationToken);
        return await ReadAsync<BatchDto>(response, cancellationToken);
    }

    private static void Add(MultipartFormDataContent form, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            form.Add(new StringContent(value), name);
        }
    }

    private static string Cursor(string? cursor) => string.IsNullOrEmpty(cursor) ? "" : "&cursor=" + Uri.EscapeDataString(cursor);

    private static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, ApiJson.Options) ?? throw new JsonException($"Empty {typeof(T).Name}.");
}
