using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MikuCloud.Testing;

namespace MikuCloud.Bench;

/// <summary>
/// Item 8 (issue 16): a batch of images through the API against the same items sent straight to the fake Ollama at the
/// same concurrency, the API's CPU per item (the model excluded: the fake answers), and chat's time to first token
/// with and without a batch running (interactive chat goes first).
/// </summary>
public sealed partial class BatchBenchmark(BenchOptions options, TextWriter log)
{
    /// <summary>Items answered at once, by the API's worker and by the direct client alike.</summary>
    private const int Concurrency = 2;

    private const string Prompt = "详细描述图片中的物体。 Describe the objects in the picture.";

    public async Task<Section> RunAsync(CancellationToken cancellationToken)
    {
        var items = options.Scale switch { BenchScale.Full => 200, BenchScale.Quick => 60, _ => 8 };
        var chats = options.Scale switch { BenchScale.Full => 60, BenchScale.Quick => 20, _ => 4 };
        var tokens = options.Scale == BenchScale.Smoke ? 8 : 30;
        var chunkDelay = TimeSpan.FromMilliseconds(10);
        var section = new Section($"8. Batch jobs: {items} images, {Concurrency} at a time");
        var dbPath = Path.Combine(Path.GetTempPath(), $"mikucloud-bench-batch-{Guid.NewGuid():N}.db");
        await using var fake = await FakeOllama.StartAsync();
        fake.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        fake.RecordRequests = false;
        fake.Chat = _ => ChatStreams.Reply(tokens, chunkDelay);
        var images = Enumerable.Range(0, items).Select(i => Photos.PhoneJpeg(320, 240, 1, seed: i, quality: 85)).ToList();
        try
        {
            await using var api = await ApiHostSettings.StartAsync(options.ApiHost, new ApiHostSettings(fake.ConnectionString, dbPath, new Dictionary<string, string?>
            {
                // Chat has slots of its own to spare: the batch takes only what chat leaves idle.
                ["Chat:MaxConcurrentGenerations"] = "4",
                ["Batches:MaxConcurrentItems"] = Concurrency.ToString(CultureInfo.InvariantCulture),
                ["Batches:PollInterval"] = "00:00:00.200",
            }), cancellationToken);
            using var http = ChatStreams.NewClient(api.BaseAddress);
            using var ollama = ChatStreams.NewClient(fake.Endpoint);

            // Warm-up: the measured path itself (a draft, its start, its event stream) over as many items as are measured,
            // and as many chats as are timed, then a pause until the API's JIT has settled. Tiered compilation promotes a
            // method after 30 calls, and with dynamic PGO once more after 30 instrumented ones: a 40-item warm-up left the
            // per-item methods (called once or twice an item) to be recompiled during the measured run, counted as its CPU
            // (1,865–3,667 methods, up to 60 ms of JIT per item), and 5 warm-up chats left the chat path on tier 0.
            await RunBatchAsync(http, images, cancellationToken);
            await ChatTtftsAsync(http, chats, cancellationToken);
            await ApiIdle.SettleAsync(api, cancellationToken);

            var directWall = await DirectAsync(ollama, images, cancellationToken);

            var before = await api.StatsAsync(cancellationToken);
            var (batchId, uploadMs) = await CreateDraftAsync(http, images, cancellationToken);
            var uploaded = await api.StatsAsync(cancellationToken);
            await api.SpansAsync(cancellationToken); // drained: the run's own database commands are counted below
            var started = Stopwatch.GetTimestamp();
            (await http.PostAsync($"/api/batches/{batchId}/start", null, cancellationToken)).EnsureSuccessStatusCode();
            var done = await WaitAsync(http, batchId, cancellationToken);
            var apiWall = Clock.MsSince(started);
            var after = await api.StatsAsync(cancellationToken);
            var commands = (await api.SpansAsync(cancellationToken)).Where(s => s.Name.StartsWith("EF command", StringComparison.Ordinal)).ToList();

            var quiet = await ChatTtftsAsync(http, chats, cancellationToken);
            var (busyBatch, _) = await CreateDraftAsync(http, Enumerable.Range(0, Math.Max(items, chats * 4)).Select(i => images[i % images.Count]).ToList(), cancellationToken);
            (await http.PostAsync($"/api/batches/{busyBatch}/start", null, cancellationToken)).EnsureSuccessStatusCode();
            await Task.Delay(500, cancellationToken); // the batch's items are in Ollama before the first chat
            var busy = await ChatTtftsAsync(http, chats, cancellationToken);
            var busyState = await GetAsync(http, busyBatch, cancellationToken);
            if (!BatchStatus.IsFinished(busyState.Status))
            {
                // It may finish between the read and the cancel (a 409 then): either way it is not running any more.
                using var cancelled = await http.PostAsync($"/api/batches/{busyBatch}/cancel", null, cancellationToken);
            }

            Report(section, new Measured(items, chats, tokens, chunkDelay, directWall, apiWall, uploadMs, done, before, uploaded, after, commands, quiet, busy, busyState), api.Description);
            return section;
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(dbPath + suffix);
            }
        }
    }

    /// <summary>The same items straight to Ollama's <c>/api/chat</c>, <see cref="Concurrency"/> at a time: the wall time.</summary>
    private static async Task<double> DirectAsync(HttpClient ollama, List<byte[]> images, CancellationToken cancellationToken)
    {
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < images.Count)
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    model = "miku-vl",
                    stream = true,
                    messages = new[] { new { role = "user", content = Prompt, images = new[] { Convert.ToBase64String(images[i]) } } },
                });
                var result = await ChatStreams.DirectAsync(ollama, body, null, cancellationToken);
                if (!result.Done)
                {
                    throw new InvalidOperationException($"direct item {i} did not finish: {result.Error}");
                }
            }
        }));
        return Clock.MsSince(started);
    }

    /// <summary>A draft batch with every image uploaded (one request), not started: the id and the upload's wall time.</summary>
    private static async Task<(Guid Id, double UploadMs)> CreateDraftAsync(HttpClient http, List<byte[]> images, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var form = Form(images, start: false);
        using var response = await http.PostAsync("/api/batches", form, cancellationToken);
        response.EnsureSuccessStatusCode();
        var added = (await response.Content.ReadFromJsonAsync<BatchItemsAdded>(ApiJson.Options, cancellationToken))!;
        if (added.Batch.Total != images.Count)
        {
            throw new InvalidOperationException($"the batch took {added.Batch.Total} of {images.Count} images ({added.Refused.Count} refused)");
        }

        return (added.Batch.Id, Clock.MsSince(started));
    }

    /// <summary>A batch run as the measured one is: uploaded as a draft, started, followed to its end.</summary>
    private static async Task<BatchDto> RunBatchAsync(HttpClient http, List<byte[]> images, CancellationToken cancellationToken)
    {
        var (id, _) = await CreateDraftAsync(http, images, cancellationToken);
        (await http.PostAsync($"/api/batches/{id}/start", null, cancellationToken)).EnsureSuccessStatusCode();
        return await WaitAsync(http, id, cancellationToken);
    }

    private static MultipartFormDataContent Form(List<byte[]> images, bool start)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(Prompt), "prompt" },
            { new StringContent(start ? "true" : "false"), "start" },
        };
        for (var i = 0; i < images.Count; i++)
        {
            var file = new ByteArrayContent(images[i]);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "files", $"photo-{i:D4}.jpg");
        }

        return form;
    }

    /// <summary>
    /// Follows the batch's event stream until its <c>done</c> event: the moment it finishes, without polling (a poll
    /// every 50 ms would cost the API CPU of its own, and a slower one would make the API look up to a poll late).
    /// </summary>
    private static async Task<BatchDto> WaitAsync(HttpClient http, Guid id, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        using var response = await http.GetAsync($"/api/batches/{id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var eventName = "";
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line[7..];
            }
            else if (eventName == "done" && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonSerializer.Deserialize<BatchDto>(line[6..], ApiJson.Options)!;
            }
        }

        throw new InvalidOperationException($"the events of batch {id} ended without a done event");
    }

    private static async Task<BatchDto> GetAsync(HttpClient http, Guid id, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<BatchDto>($"/api/batches/{id}", ApiJson.Options, cancellationToken))!;

    /// <summary>Chats one after another, each a new conversation: their times to first token.</summary>
    private static async Task<List<double>> ChatTtftsAsync(HttpClient http, int count, CancellationToken cancellationToken)
    {
        var ttfts = new List<double>(count);
        var body = ChatStreams.MessageBody("你好！请简单介绍一下你自己。 Hello! Please introduce yourself briefly.");
        for (var i = 0; i < count; i++)
        {
            var conversation = await ChatStreams.CreateConversationAsync(http, cancellationToken);
            var result = await ChatStreams.ApiAsync(http, conversation, body, null, cancellationToken);
            if (result.Status != 200 || !result.Done)
            {
                throw new InvalidOperationException($"chat {i} answered {result.Status}: {result.Error}");
            }

            ttfts.Add(result.TtftMs);
        }

        return ttfts;
    }
}
