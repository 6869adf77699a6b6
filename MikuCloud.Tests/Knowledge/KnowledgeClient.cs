using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>Shortcuts for knowledge tests over the real API.</summary>
public static class KnowledgeClient
{
    /// <summary>Creates a base and returns its id; fails the test unless it is 201.</summary>
    public static async Task<Guid> CreateBaseAsync(this HttpClient client, string name, bool? shared = null, CancellationToken cancellationToken = default)
    {
        using var response = await client.PostAsJsonAsync("/api/knowledge/bases", new { name, shared }, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["id"]!.GetValue<Guid>();
    }

    /// <summary>The multipart body of an upload: one <c>files</c> part per file.</summary>
    public static MultipartFormDataContent Files(params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        return form;
    }

    /// <summary>Uploads files to a base and returns the answer (KnowledgeDocumentsAdded); fails the test unless it is 201.</summary>
    public static async Task<JsonObject> UploadAsync(this HttpClient client, Guid baseId, (string Name, byte[] Bytes)[] files, CancellationToken cancellationToken = default)
    {
        using var response = await client.PostAsync($"/api/knowledge/bases/{baseId}/documents", Files(files), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Uploads one file and returns its document id (it must be accepted).</summary>
    public static async Task<Guid> AddDocumentAsync(this HttpClient client, Guid baseId, string name, byte[] bytes, CancellationToken cancellationToken = default)
    {
        var added = await client.UploadAsync(baseId, [(name, bytes)], cancellationToken);
        Assert.True(added["refused"]!.AsArray().Count == 0, added.ToJsonString());
        return added["added"]![0]!["id"]!.GetValue<Guid>();
    }

    /// <summary>The document as the API shows it.</summary>
    public static async Task<JsonObject> DocumentAsync(this HttpClient client, Guid id, CancellationToken cancellationToken = default) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/knowledge/documents/{id}", cancellationToken))!;

    /// <summary>Polls the document until its status is ready or failed (or the timeout); returns it.</summary>
    public static async Task<JsonObject> WaitFinishedAsync(this HttpClient client, Guid id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var document = await client.DocumentAsync(id, cancellationToken);
            if (document["status"]!.GetValue<string>() is "ready" or "failed" || DateTime.UtcNow > until)
            {
                return document;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Follows a base's event stream until <paramref name="done"/> says so for a document event (or the timeout),
    /// returning every <c>document</c> event's document.
    /// </summary>
    public static async Task<List<JsonObject>> FollowAsync(this HttpClient client, Guid baseId, Func<JsonObject, bool> done, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        using var response = await client.GetAsync($"/api/knowledge/bases/{baseId}/events", HttpCompletionOption.ResponseHeadersRead, limit.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var documents = new List<JsonObject>();
        try
        {
            await foreach (var e in Sse.ReadAsync(response, cancellationToken: limit.Token))
            {
                if (e.Name == "document")
                {
                    var document = e.Data!["document"]!.AsObject();
                    documents.Add(document);
                    if (done(document))
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: the caller asserts on what came.
        }

        return documents;
    }
}
