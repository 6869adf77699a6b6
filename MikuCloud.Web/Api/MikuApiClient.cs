using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.Web.Api;

/// <summary>Typed client for MikuCloud.Api (base address from service discovery: <c>https+http://api</c>).</summary>
public sealed class MikuApiClient(HttpClient http) : IMikuApi
{
    /// <summary>The underlying client, for the Web's pass-through endpoints (images, export).</summary>
    public HttpClient Http => http;

    public async Task<IReadOnlyList<PresetInfo>> GetPresetsAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<List<PresetInfo>>("/api/presets", cancellationToken) ?? [];

    public async Task<IReadOnlyList<ModelInfo>> GetModelsAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<List<ModelInfo>>("/api/models", cancellationToken) ?? [];

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

    public async Task<ConversationDto> CreateConversationAsync(CreateConversationRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync("/api/conversations", request, ApiJson.Options, cancellationToken);
        return await ReadAsync<ConversationDto>(response, cancellationToken);
    }

    public async Task<ConversationDto?> GetConversationAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"/api/conversations/{id}", cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<ConversationDto>(response, cancellationToken);
    }

    public async Task<ConversationDto> UpdateConversationAsync(Guid id, UpdateConversationRequest request, CancellationToken cancellationToken = default)
    {
        using var content = JsonContent.Create(request, options: ApiJson.Options);
        using var response = await http.PatchAsync($"/api/conversations/{id}", content, cancellationToken);
        return await ReadAsync<ConversationDto>(response, cancellationToken);
    }

    public async Task DeleteConversationAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync($"/api/conversations/{id}", cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(response, cancellationToken);
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

    public IAsyncEnumerable<ChatEvent> SendMessageAsync(Guid conversationId, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        // Multipart, not JSON+base64: images stream from the Web's upload store straight into the request body
        // without a 33 % base64 blow-up or a copy in memory.
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

        return StreamAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversationId}/messages") { Content = form }, cancellationToken);
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

    private async IAsyncEnumerable<ChatEvent> StreamAsync(HttpRequestMessage request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            // ResponseHeadersRead: hand events to the UI as they arrive instead of buffering the whole answer.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
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
        "user" => new UserMessageSaved(Deserialize<MessageDto>(sse.Data)),
        "delta" => new AnswerDelta(JsonNode.Parse(sse.Data)?["text"]?.GetValue<string>() ?? ""),
        "done" => new AnswerDone(Deserialize<MessageDto>(sse.Data)),
        "error" => new AnswerFailed(Deserialize<ErrorDto>(sse.Data)),
        _ => null,
    };

    private static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, ApiJson.Options) ?? throw new JsonException($"Empty {typeof(T).Name}.");

    private async Task<T?> GetAsync<T>(string url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken))!;
    }

    /// <summary>Turns a non-success answer into an <see cref="ApiException"/> carrying the problem details and Retry-After.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ProblemDto? problem = null;
        try
        {
            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                problem = await response.Content.ReadFromJsonAsync<ProblemDto>(ApiJson.Options, cancellationToken);
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML error page or a truncated body: the status code is all we know.
        }

        var retryAfter = RetryAfter(response) ?? (problem?.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null);
        throw new ApiException(response.StatusCode, problem, retryAfter);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return response.Headers.TryGetValues("Retry-After", out var values)
               && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }
}
