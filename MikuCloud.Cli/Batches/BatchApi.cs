using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Cli.Connection;
using MikuCloud.Contracts;

namespace MikuCloud.Cli.Batches;

/// <summary>The batch endpoints (<c>/api/batches…</c>) as the tool calls them, in the contract's shapes.</summary>
public sealed class BatchApi(MikuApiClient api)
{
    /// <summary>The client underneath (events, failures).</summary>
    public MikuApiClient Client => api;

    /// <summary><c>POST /api/batches</c> with the job's fields and no files, <c>start=false</c>: a draft that takes items in chunks.</summary>
    public async Task<BatchDto> CreateDraftAsync(BatchDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(draft.Prompt), "prompt" },
            { new StringContent(draft.Name), "name" },
            { new StringContent(draft.KeepImages ? "true" : "false"), "keepImages" },
            { new StringContent("false"), "start" },
        };
        AddIfSet(form, "presetId", draft.PresetId);
        AddIfSet(form, "options", draft.Options);
        AddIfSet(form, "schema", draft.Schema);
        var created = await api.ReadAsync<JsonObject>(new HttpRequestMessage(HttpMethod.Post, "api/batches") { Content = form }, cancellationToken);
        // The answer is the batch, or (when files came with it) the items added with the batch inside.
        return (created["batch"] as JsonObject ?? created).Deserialize<BatchDto>(ApiJson.Options)!;
    }

    /// <summary><c>POST /api/batches/{id}/items</c>: one chunk of files as <c>files</c> parts.</summary>
    public Task<BatchItemsAdded> AddItemsAsync(Guid id, IReadOnlyList<BatchInput> chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var form = new MultipartFormDataContent();
        foreach (var input in chunk)
        {
            var file = new StreamContent(File.OpenRead(input.FullPath));
            file.Headers.ContentType = new MediaTypeHeaderValue(ImageFiles.MediaType(input.FullPath));
            form.Add(file, "files", input.UploadName);
        }

        return api.ReadAsync<BatchItemsAdded>(new HttpRequestMessage(HttpMethod.Post, $"api/batches/{id}/items") { Content = form }, cancellationToken);
    }

    /// <summary>The names of the items the batch has (<c>GET /api/batches/{id}/items</c>, every page), to see what arrived before an interruption.</summary>
    public async Task<IReadOnlyList<string>> ItemNamesAsync(Guid id, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await api.GetAsync<Page<BatchItemDto>>(
                $"api/batches/{id}/items?limit=200{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", cancellationToken);
            names.AddRange(page.Items.Select(i => i.FileName));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return names;
    }

    /// <summary><c>POST /api/batches/{id}/start</c>.</summary>
    public Task<BatchDto> StartAsync(Guid id, CancellationToken cancellationToken) =>
        api.ReadAsync<BatchDto>(new HttpRequestMessage(HttpMethod.Post, $"api/batches/{id}/start"), cancellationToken);

    /// <summary><c>GET /api/batches/{id}</c>.</summary>
    public Task<BatchDto> GetAsync(Guid id, CancellationToken cancellationToken) => api.GetAsync<BatchDto>($"api/batches/{id}", cancellationToken);

    /// <summary><c>POST /api/batches/{id}/cancel</c>.</summary>
    public Task<BatchDto> CancelAsync(Guid id, CancellationToken cancellationToken) =>
        api.ReadAsync<BatchDto>(new HttpRequestMessage(HttpMethod.Post, $"api/batches/{id}/cancel"), cancellationToken);

    /// <summary><c>GET /api/batches/{id}/events</c>: the progress stream, open until the batch is done.</summary>
    public Task<HttpResponseMessage> EventsAsync(Guid id, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/batches/{id}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return api.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Downloads <c>GET /api/batches/{id}/results?format=…</c> into <paramref name="outPath"/>: written beside it first and
    /// moved into place once whole, so an interrupted download never leaves a truncated results file behind.
    /// </summary>
    public async Task<long> DownloadResultsAsync(Guid id, string format, string outPath, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/batches/{id}/results?format={format}");
        using var response = await api.SendAsync(request, cancellationToken);
        var partial = outPath + ".part";
        try
        {
            await using (var file = File.Create(partial))
            {
                await response.Content.CopyToAsync(file, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw api.Unreachable(ex);
        }

        File.Move(partial, outPath, overwrite: true);
        return new FileInfo(outPath).Length;
    }

    private static void AddIfSet(MultipartFormDataContent form, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            form.Add(new StringContent(value), name);
        }
    }
}
