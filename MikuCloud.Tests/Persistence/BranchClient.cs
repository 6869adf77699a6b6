using System.Net;
using System.Net.Http.Json;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Persistence;

/// <summary>The calls the branch and continue tests make, each asserting it worked.</summary>
internal static class BranchClient
{
    public static async Task<Guid> NewConversationAsync(HttpClient client, CancellationToken ct, object? body = null)
    {
        using var response = await client.PostAsJsonAsync("/api/conversations", body ?? new { }, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ConversationDto>(ct))!.Id;
    }

    /// <summary>Sends a message and reads its stream to the end; returns the events.</summary>
    public static async Task<List<SseEvent>> SendAsync(HttpClient client, Guid conversation, object body, CancellationToken ct)
    {
        using var response = await client.SendAsync(conversation, body, ct);
        return await EndedAsync(response, ct);
    }

    /// <summary>A bodiless streamed POST (regenerate, continue) read to the end; returns the events.</summary>
    public static async Task<List<SseEvent>> PostStreamAsync(HttpClient client, string path, object? body, CancellationToken ct)
    {
        using var response = await client.PostAsync(path, body is null ? null : JsonContent.Create(body), ct);
        return await EndedAsync(response, ct);
    }

    /// <summary>The chosen branch's first page.</summary>
    public static async Task<List<MessageDto>> BranchAsync(HttpClient client, Guid conversation, CancellationToken ct) =>
        [.. (await client.GetFromJsonAsync<Page<MessageDto>>($"/api/conversations/{conversation}/messages", ct))!.Items];

    /// <summary>Chooses the branch through <paramref name="messageId"/>; returns the page the switch answers.</summary>
    public static async Task<List<MessageDto>> SwitchAsync(HttpClient client, Guid conversation, Guid messageId, CancellationToken ct)
    {
        using var response = await client.PutAsJsonAsync($"/api/conversations/{conversation}/branch", new { messageId }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(ct));
        var page = (await response.Content.ReadFromJsonAsync<Page<MessageDto>>(ct))!;
        Assert.Equal(page.Items.Select(m => m.Id), (await BranchAsync(client, conversation, ct)).Select(m => m.Id)); // and it stays chosen
        return [.. page.Items];
    }

    private static async Task<List<SseEvent>> EndedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(ct));
        var events = await Sse.AllAsync(response, ct);
        Assert.Equal("done", events[^1].Name);
        return events;
    }
}
