using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Batches;

/// <summary>Shortcuts for batch tests over the real API.</summary>
public static class BatchClient
{
    /// <summary>Creates a batch and returns the answer (BatchItemsAdded); fails the test unless it is 201.</summary>
    public static async Task<JsonObject> CreateBatchAsync(this HttpClient client, string prompt, (string Name, byte[] Bytes)[] files,
        Dictionary<string, string>? fields = null, CancellationToken cancellationToken = default)
    {
        var all = new Dictionary<string, string>(fields ?? [], StringComparer.Ordinal) { ["prompt"] = prompt };
        using var response = await client.PostAsync("/api/batches", BatchTestData.Form(all, files), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Follows the batch's event stream to its <c>done</c> event (or the timeout), returning every event.</summary>
    public static async Task<List<SseEvent>> FollowAsync(this HttpClient client, Guid id, TimeSpan timeout, Func<SseEvent, Task>? onEvent = null,
        CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        using var response = await client.GetAsync($"/api/batches/{id}/events", HttpCompletionOption.ResponseHeadersRead, limit.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = new List<SseEvent>();
        await foreach (var e in Sse.ReadAsync(response, cancellationToken: limit.Token))
        {
            events.Add(e);
            if (onEvent is not null)
            {
                await onEvent(e);
            }

            if (e.Name == "done")
            {
                break;
            }
        }

        return events;
    }

    public static async Task<JsonObject> BatchAsync(this HttpClient client, Guid id, CancellationToken cancellationToken = default) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/batches/{id}", cancellationToken))!;

    /// <summary>The results download, and its response headers.</summary>
    public static async Task<(string Text, HttpResponseMessage Response)> ResultsAsync(this HttpClient client, Guid id, string format,
        CancellationToken cancellationToken = default)
    {
        var response = await client.GetAsync($"/api/batches/{id}/results?format={format}", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(cancellationToken), response);
    }

    /// <summary>The JSON Lines download parsed line by line (each line must be one JSON object).</summary>
    public static List<JsonObject> ParseJsonLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();

    /// <summary>RFC 4180 CSV parsed into rows of fields (quoted fields may hold commas, quotes and line breaks).</summary>
    public static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                Assert.True(field.Length == 0, $"a quote inside an unquoted field at {i}");
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.False(quoted, "the CSV ends inside a quoted field");
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }

        return rows;
    }
}
