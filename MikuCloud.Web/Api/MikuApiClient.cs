using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Web.Auth;

namespace MikuCloud.Web.Api;

/// <summary>
/// Typed client for MikuCloud.Api's chat contract (base address from service discovery: <c>https+http://api</c>).
/// Every request carries the signed-in user's token (<see cref="UserApiCredentials"/>).
/// </summary>
public sealed class MikuApiClient : ApiClientBase, IMikuApi
{
    /// <summary>For DI: requests act for the user of the calling scope (request or circuit).</summary>
    [ActivatorUtilitiesConstructor]
    public MikuApiClient(HttpClient http, UserApiCredentials credentials)
        : base(http, credentials)
    {
    }

    /// <summary>Without credentials (unit tests of the wire format).</summary>
    public MikuApiClient(HttpClient http)
        : base(http, null)
    {
    }

    /// <summary>A GET whose body the caller streams on (the Web's image and export pass-through), as the current user.</summary>
    public async Task<HttpResponseMessage> GetRawAsync(string path, CancellationToken cancellationToken)
    {
        var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            try
            {
                await EnsureOkAsync(response, cancellationToken); // tells the credentials, which may end the session
            }
            catch (ApiException)
            {
            }
        }

        return response;
    }

    public async Task<IReadOnlyList<PresetDto>> GetPresetsAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<List<PresetDto>>("/api/presets", cancellationToken) ?? [];

    public async Task<IReadOnlyList<HouseModelDto>> GetModelsAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<List<HouseModelDto>>("/api/models", cancellationToken) ?? [];

    public async Task<StatsReport> GetStatsAsync(string window, CancellationToken cancellationToken = default) =>
        await GetAsync<StatsReport>("/api/stats?window=" + Uri.EscapeDataString(window), cancellationToken)
        ?? throw new InvalidOperationException("The API sent no stats.");

    public async Task<Page<ConversationDto>> ListConversationsAsync(string? query, string? cursor, int limit = 50, CancellationToken cancellationToken = default)
    {
        var url = $"/api/conversations?limit={limit}";
        if (!string.IsNullOrWhiteSpace(query))
        {
            url += "&q=" + Uri.EscapeDataString(query.Trim());
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            url += "&cursor=" + Uri.EscapeDataString(cursor);
        }

        return await GetAsync<Page<ConversationDto>>(url, cancellationToken) ?? new Page<ConversationDto>([], null);
    }

    public async Task<ConversationDto?> GetConversationAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{id}"), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<ConversationDto>(response, cancellationToken);
    }

    public async Task<ConversationDto> UpdateConversationAsync(Guid id, UpdateConversationRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendJsonAsync(HttpMethod.Patch, $"/api/conversations/{id}", request, cancellationToken);
        return await ReadAsync<ConversationDto>(response, cancellationToken);
    }

    public async Task DeleteConversationAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/conversations/{id}"), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureOkAsync(response, cancellationToken);
        }
    }

    public async Task<Page<MessageDto>> GetMessagesAsync(Guid conversationId, string? before, int limit = 50, CancellationToken cancellationToken = default)
    {
        var url = $"/api/conversations/{conversationId}/messages?limit={limit}";
        if (!string.IsNullOrEmpty(before))
        {
            url += "&before=" + Uri.EscapeDataString(before);
        }

        return await GetAsync<Page<MessageDto>>(url, cancellationToken) ?? new Page<MessageDto>([], null);
    }

    public IAsyncEnumerable<ChatEvent> SendMessageAsync(Guid conversationId, OutgoingMessage message, CancellationToken cancellationToken = default) =>
        StreamAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversationId}/messages") { Content = FormOf(message) }, cancellationToken);

    public IAsyncEnumerable<ChatEvent> StartConversationAsync(OutgoingMessage message, string? systemPrompt, string? title = null,
        CancellationToken cancellationToken = default)
    {
        var form = FormOf(message);
        if (!string.IsNullOrEmpty(message.Model))
        {
            form.Add(new StringContent(message.Model), "model");
        }

        if (!string.IsNullOrEmpty(title))
        {
            form.Add(new StringContent(title), "title");
        }

        if (!string.IsNullOrEmpty(systemPrompt))
        {
            form.Add(new StringContent(systemPrompt), "systemPrompt");
        }

        foreach (var baseId in message.KnowledgeBaseIds ?? [])
        {
            form.Add(new StringContent(baseId.ToString()), "knowledgeBaseIds");
        }

        return StreamAsync(new HttpRequestMessage(HttpMethod.Post, "/api/conversations/messages") { Content = form }, cancellationToken);
    }

    /// <summary>
    /// Multipart, not JSON+base64: images stream from the Web's upload store straight into the request body
    /// without a 33 % base64 blow-up or a copy in memory.
    /// </summary>
    private static MultipartFormDataContent FormOf(OutgoingMessage message)
    {
        var form = new MultipartFormDataContent { { new StringContent(message.Content), "content" } };
        foreach (var image in message.Images)
        {
            var part = new StreamContent(image.Open());
            part.Headers.ContentType = new MediaTypeHeaderValue(image.MediaType);
            form.Add(part, "images", image.FileName);
        }

        if (!string.IsNullOrEmpty(message.PresetId))
        {
            form.Add(new StringContent(message.PresetId), "presetId");
        }

        if (message.Options is { Count: > 0 })
        {
            form.Add(new StringContent(message.Options.ToJsonString()), "options");
        }

        if (message.EditOf is { } editOf)
        {
            form.Add(new StringContent(editOf.ToString()), "editOf");
        }

        return form;
    }

    public IAsyncEnumerable<ChatEvent> RegenerateAsync(Guid conversationId, Guid messageId, string? presetId, JsonObject? options,
        CancellationToken cancellationToken = default)
    {
        var body = new JsonObject();
        if (!string.IsNullOrEmpty(presetId))
        {
            body["presetId"] = presetId;
        }

        if (options is { Count: > 0 })
        {
            body["options"] = options.DeepClone();
        }

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversationId}/messages/{messageId}/regenerate")
        {
            Content = JsonContent.Create(body, options: ApiJson.Options),
        };
        return StreamAsync(request, cancellationToken);
    }

    public IAsyncEnumerable<ChatEvent> ContinueAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken = default) =>
        StreamAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversationId}/messages/{messageId}/continue"), cancellationToken);

    public async Task<Page<MessageDto>> SwitchBranchAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/conversations/{conversationId}/branch")
        {
            Content = JsonContent.Create(new SwitchBranchRequest(messageId), options: ApiJson.Options),
        };
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureOkAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<Page<MessageDto>>(ApiJson.Options, cancellationToken))!;
    }

    public IAsyncEnumerable<ChatEvent> FollowAnswerAsync(Guid conversationId, Guid messageId, int offset, CancellationToken cancellationToken = default) =>
        StreamAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{conversationId}/messages/{messageId}/stream?offset={offset}"), cancellationToken);

    public async Task StopAnswerAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversationId}/messages/{messageId}/stop"), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureOkAsync(response, cancellationToken); // 404: the conversation was deleted meanwhile, nothing left to stop
        }
    }

    private async IAsyncEnumerable<ChatEvent> StreamAsync(HttpRequestMessage request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            // ResponseHeadersRead: hand events to the UI as they arrive instead of buffering the whole answer.
            using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await EnsureOkAsync(response, cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            await foreach (var sse in SseReader.ReadAsync(stream, cancellationToken))
            {
                if (Parse(sse) is { } chatEvent)
                {
                    yield return chatEvent;
                }
            }
        }
    }

    /// <summary>Maps one SSE event to a <see cref="ChatEvent"/>; unknown events are ignored (forward compatible).</summary>
    public static ChatEvent? Parse(SseEvent sse) => sse.Name switch
    {
        ChatStreamEvents.Conversation => new ConversationStarted(Deserialize<ConversationDto>(sse.Data)),
        ChatStreamEvents.User => new UserMessageSaved(Deserialize<MessageDto>(sse.Data)),
        ChatStreamEvents.Citations => new CitationsGiven(Citations(sse.Data)),
        ChatStreamEvents.Delta => new AnswerDelta(Deserialize<DeltaDto>(sse.Data).Text ?? ""),
        ChatStreamEvents.Done => new AnswerDone(Deserialize<MessageDto>(sse.Data)),
        ChatStreamEvents.Error => new AnswerFailed(Deserialize<ErrorDto>(sse.Data)),
        _ => null,
    };

    /// <summary>The <c>citations</c> event's data: a bare list, or an object carrying <c>citations</c>.</summary>
    private static IReadOnlyList<CitationDto> Citations(string json)
    {
        using var document = JsonDocument.Parse(json);
        var list = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("citations", out var inner)
            ? inner
            : document.RootElement;
        return list.Deserialize<List<CitationDto>>(ApiJson.Options) ?? [];
    }

    private static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, ApiJson.Options) ?? throw new JsonException($"Empty {typeof(T).Name}.");
}
