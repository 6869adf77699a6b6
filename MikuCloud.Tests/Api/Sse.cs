using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Tests.Api;

/// <summary>One server-sent event as a browser would parse it (<paramref name="Id"/>: its <c>id:</c> line, if it had one).</summary>
public sealed record SseEvent(string Name, JsonNode? Data, string? Id = null);

/// <summary>Reads a <c>text/event-stream</c> response the way EventSource does (events, data lines, comments).</summary>
public static class Sse
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(HttpResponseMessage response, Action<string>? onComment = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        string? name = null;
        string? id = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null || data.Length > 0)
                {
                    yield return new SseEvent(name ?? "message", data.Length == 0 ? null : JsonNode.Parse(data.ToString()), id);
                }

                (name, id, data) = (null, null, new StringBuilder());
            }
            else if (line.StartsWith(':'))
            {
                onComment?.Invoke(line);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line["id: ".Length..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }
    }

    public static async Task<List<SseEvent>> AllAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var list = new List<SseEvent>();
        await foreach (var e in ReadAsync(response, cancellationToken: cancellationToken))
        {
            list.Add(e);
        }

        return list;
    }
}

/// <summary>Shortcuts for chat tests.</summary>
public static class ChatTestExtensions
{
    public static async Task<Guid> NewConversationAsync(this ApiFactory api, string? systemPrompt = null, string presetId = "balanced", string? optionsJson = null)
    {
        var id = Guid.NewGuid();
        await api.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            db.Conversations.Add(new Conversation { Id = id, PresetId = presetId, SystemPrompt = systemPrompt, OptionsJson = optionsJson, CreatedAt = now, UpdatedAt = now });
            return await db.SaveChangesAsync();
        });
        return id;
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, Guid conversation, object body, CancellationToken ct = default) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversation}/messages") { Content = JsonContent.Create(body) },
            HttpCompletionOption.ResponseHeadersRead, ct);

    public static Task<List<Message>> MessagesAsync(this ApiFactory api, Guid conversation) =>
        api.WithDbAsync(db => db.Messages.AsNoTracking().Include(m => m.Images).Where(m => m.ConversationId == conversation).OrderBy(m => m.Seq).ToListAsync());

    public static MultipartFormDataContent Multipart(string content, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent { { new StringContent(content), "content" } };
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "images", name);
        }

        return form;
    }
}
