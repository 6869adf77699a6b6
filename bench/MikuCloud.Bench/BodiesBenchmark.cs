using System.Diagnostics;
using System.Net.Http.Headers;
using MikuCloud.Testing;

namespace MikuCloud.Bench;

/// <summary>
/// Item 7: what refusing oversized bodies costs the API's memory. 20 clients at once send bodies far over what their
/// operation accepts — a 190 MB message (one long <c>content</c>, chunked and with its length declared) and a 190 MB
/// conversation PATCH — and the API's peak RSS is compared with its RSS before.
/// </summary>
public sealed class BodiesBenchmark(BenchOptions options, TextWriter log)
{
    public async Task<Section> RunAsync(CancellationToken cancellationToken)
    {
        var clients = options.Scale == BenchScale.Smoke ? 4 : 20;
        var size = options.Scale == BenchScale.Smoke ? 8L * 1024 * 1024 : 190L * 1024 * 1024;
        var section = new Section($"7. Refused bodies: {clients} oversized requests at once");
        var dbPath = Path.Combine(Path.GetTempPath(), $"mikucloud-bench-bodies-{Guid.NewGuid():N}.db");
        await using var fake = await FakeOllama.StartAsync();
        fake.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        fake.RecordRequests = false;
        try
        {
            await using var api = await ApiHostSettings.StartAsync(options.ApiHost, new ApiHostSettings(fake.ConnectionString, dbPath, new Dictionary<string, string?>()), cancellationToken);
            using var http = ChatStreams.NewClient(api.BaseAddress);
            var conversation = await ChatStreams.CreateConversationAsync(http, cancellationToken);

            // Warm-up: one of each, so the JIT and the pools are not counted as the refusals' cost.
            foreach (var kind in Enum.GetValues<Kind>())
            {
                await SendAsync(http, conversation, kind, 2L * 1024 * 1024, cancellationToken);
            }

            await Task.Delay(1000, cancellationToken);
            var before = await api.StatsAsync(cancellationToken);
            await api.ResetPeakAsync(cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var results = new List<(Kind Kind, int Status, double Ms)>();
            await using (var rss = new RssSampler(api.ProcessId, TimeSpan.FromMilliseconds(10)))
            {
                var storm = Enumerable.Range(0, clients).Select(i => SendAsync(http, conversation, (Kind)(i % 3), size, cancellationToken)).ToArray();
                results.AddRange(await Task.WhenAll(storm));
                var after = await api.StatsAsync(cancellationToken);
                var peak = Math.Max(Math.Max(after.PeakWorkingSetBytes, rss.PeakBytes), before.WorkingSetBytes);
                var growth = peak - before.WorkingSetBytes;
                var wall = Clock.MsSince(started);
                var serverErrors = results.Count(r => r.Status >= 500);
                var transport = results.Count(r => r.Status == 0);
                log.WriteLine($"   {clients} × {Fmt.Bytes(size)}: RSS {Fmt.Bytes(before.WorkingSetBytes)} → peak {Fmt.Bytes(peak)} (+{Fmt.Bytes(growth)}), {wall:0} ms");

                section.Line($"{clients} clients at once against the API ({api.Description}), each sending a {Fmt.Bytes(size)} body its operation cannot")
                    .Line("accept: a JSON message whose `content` is one long string (chunked, or with its length declared; the limit is 100,000")
                    .Line("characters) and a conversation PATCH (its limit is ~150 KB). The API refuses each while it arrives, without holding it.")
                    .Line();
                section.Table(["", "value"],
                [
                    ["answers", string.Join(", ", results.GroupBy(r => (r.Kind, r.Status)).OrderBy(g => g.Key.Kind).Select(g => $"{g.Key.Kind}: {g.Count()} × {(g.Key.Status == 0 ? "closed" : g.Key.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}"))],
                    ["time until the client saw the end (answer or closed connection) p50 / max", $"{Fmt.Ms(Summary.Of(results.Select(r => r.Ms)).P50)} / {Fmt.Ms(results.Max(r => r.Ms))}"],
                    ["API RSS before / peak (sampled every 10 ms) / growth", $"{Fmt.Bytes(before.WorkingSetBytes)} / {Fmt.Bytes(peak)} / **{Fmt.Bytes(growth)}**"],
                    ["API GC heap before / after", $"{Fmt.Bytes(before.GcHeapBytes)} / {Fmt.Bytes(after.GcHeapBytes)}"],
                    ["API allocations during the storm", Fmt.Bytes(after.AllocatedBytes - before.AllocatedBytes)],
                    ["5xx / connections closed without an answer", $"{serverErrors} / {transport}"],
                ]);
                section.Line("An oversized image is refused at its own ceiling instead (the base64 of a 20 MB image, ~33 MB of JSON), like a")
                    .Line("legitimate image of that size; a whole message is bounded by 8 such images and the longest text.")
                    .Line();

                if (serverErrors > 0)
                {
                    section.Failures.Add($"bodies: {serverErrors} responses with 5xx");
                }

                section.Targets.Add(new TargetCheck("7 bodies", $"{clients} oversized requests at once: API peak RSS growth", "< 100 MB", Fmt.Bytes(growth),
                    options.Scale == BenchScale.Smoke ? null : growth < 100L * 1024 * 1024));
                section.Targets.Add(new TargetCheck("7 bodies", "5xx responses", "0", serverErrors.ToString(System.Globalization.CultureInfo.InvariantCulture), serverErrors == 0));
            }

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

    private enum Kind
    {
        ChunkedMessage,
        DeclaredMessage,
        ChunkedPatch,
    }

    private static async Task<(Kind, int, double)> SendAsync(HttpClient http, Guid conversation, Kind kind, long size, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var body = new GeneratedJsonStream(kind == Kind.ChunkedPatch ? "title" : "content", size);
        using var content = kind == Kind.DeclaredMessage ? new StreamContent(body) { Headers = { ContentLength = body.Length } } : new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(kind == Kind.ChunkedPatch ? HttpMethod.Patch : HttpMethod.Post,
            kind == Kind.ChunkedPatch ? $"/api/conversations/{conversation}" : $"/api/conversations/{conversation}/messages")
        { Content = content };
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var ms = Clock.MsSince(started);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return (kind, (int)response.StatusCode, ms);
        }
        catch (HttpRequestException)
        {
            return (kind, 0, Clock.MsSince(started));
        }
    }
}
