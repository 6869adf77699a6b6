using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MikuCloud.Testing;

namespace MikuCloud.Bench;

/// <summary>
/// Item 10 (issue 19): resumable answers. A browser refresh mid-answer (the stream dropped after a random number of
/// deltas, then reattached with its last event id): characters lost or doubled. Reattaching to an answer in progress:
/// time to the first byte of its text. What a crash would lose: how old the saved text is, sampled while an answer streams.
/// </summary>
public sealed class ResumeBenchmark(BenchOptions options, TextWriter log)
{
    private static readonly TimeSpan TokenDelay = TimeSpan.FromMilliseconds(10); // 100 tokens a second

    public async Task<Section> RunAsync(CancellationToken cancellationToken)
    {
        var (refreshes, attaches, samples) = options.Scale switch { BenchScale.Full => (40, 200, 100), BenchScale.Quick => (15, 60, 40), _ => (3, 10, 10) };
        var section = new Section("11. Resumable answers");
        var dbPath = Path.Combine(Path.GetTempPath(), $"mikucloud-bench-resume-{Guid.NewGuid():N}.db");
        await using var fake = await FakeOllama.StartAsync();
        fake.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        fake.RecordRequests = false;
        var tokens = 150;
        fake.Chat = _ => new FakeChatReply { Chunks = [.. Enumerable.Range(0, tokens).Select(i => $"词{i} ")], ChunkDelay = TokenDelay };
        try
        {
            await using var api = await ApiHostSettings.StartAsync(options.ApiHost, new ApiHostSettings(fake.ConnectionString, dbPath, new Dictionary<string, string?>()), cancellationToken);
            using var http = ChatStreams.NewClient(api.BaseAddress);
            var random = new Random(19);

            // 1. Refresh mid-answer.
            var lost = new List<int>();
            var doubled = 0;
            for (var i = 0; i < refreshes; i++)
            {
                var (conversation, seen, lastId) = await StartAndDropAsync(http, random.Next(1, tokens - 10), cancellationToken);
                var answerId = await StreamingAnswerAsync(http, conversation, cancellationToken);
                var (rest, final) = await AttachAsync(http, conversation, answerId, lastId, cancellationToken);
                var combined = seen + rest;
                lost.Add(Math.Max(0, final.Length - combined.Length));
                doubled += combined.Length > final.Length || !final.StartsWith(combined, StringComparison.Ordinal) ? 1 : 0;
            }

            // 2 and 3. One long answer: readers attach to it again and again; its saved text is sampled against a live reader.
            fake.Chat = _ => new FakeChatReply { Chunks = [.. Enumerable.Range(0, 100_000).Select(i => $"词{i} ")], ChunkDelay = TokenDelay };
            var (longConversation, _, _) = await StartAndDropAsync(http, 5, cancellationToken);
            var longAnswer = await StreamingAnswerAsync(http, longConversation, cancellationToken);
            var firstBytes = new List<double>();
            for (var i = 0; i < attaches; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await OpenAsync(http, longConversation, longAnswer, null, cancellationToken);
                await foreach (var (name, _, _) in Sse(response, cancellationToken))
                {
                    if (name == "delta")
                    {
                        break;
                    }
                }

                firstBytes.Add(Clock.MsSince(started));
            }

            var ages = await SavedTextAgesAsync(http, longConversation, longAnswer, samples, cancellationToken);
            (await http.PostAsync($"/api/conversations/{longConversation}/messages/{longAnswer}/stop", null, cancellationToken)).Dispose();

            var attach = Summary.Of(firstBytes);
            var age = Summary.Of(ages);
            section.Line($"The API ({api.Description}) on SQLite, the fake Ollama writing 100 tokens a second. A refresh: the answer's stream is")
                .Line("dropped after a random number of deltas (the socket closed, as a tab closing), the answer id read from the messages, and")
                .Line("`GET …/messages/{id}/stream` opened with `Last-Event-ID`; what the page had plus what it got is compared with the saved answer.")
                .Line("Attach: a reader opening the stream of an answer in progress, to its first delta (the text so far). Saved text age: while")
                .Line("an answer streams, the saved text (`GET …/messages`) against a live reader — how much older it is, i.e. what a crash at")
                .Line("that moment would lose (the checkpoint is every second).")
                .Line();
            section.Table(["measure", "value"],
            [
                ["refreshes mid-answer", refreshes.ToString(CultureInfo.InvariantCulture)],
                ["characters lost (sum)", lost.Sum().ToString(CultureInfo.InvariantCulture)],
                ["refreshes with text doubled or changed", doubled.ToString(CultureInfo.InvariantCulture)],
                ["attach to first byte p50 / p90 / max", $"{Fmt.Ms(attach.P50)} / {Fmt.Ms(attach.P90)} / {Fmt.Ms(attach.Max)}"],
                ["saved text age p50 / p99 / max", $"{Fmt.Ms(age.P50)} / {Fmt.Ms(age.P99)} / {Fmt.Ms(age.Max)}"],
            ]);
            var smoke = options.Scale == BenchScale.Smoke;
            section.Targets.Add(new TargetCheck("10 resume", "tokens lost by a refresh mid-answer", "0", $"{lost.Sum()} characters, {doubled} doubled",
                lost.Sum() == 0 && doubled == 0));
            section.Targets.Add(new TargetCheck("10 resume", "text lost by an API crash (saved text age, max)", "≤ 1 s", Fmt.Ms(age.Max), smoke ? null : age.Max <= 1100));
            section.Targets.Add(new TargetCheck("10 resume", "reattach to first byte, p50", "≤ 50 ms", Fmt.Ms(attach.P50), smoke ? null : attach.P50 <= 50));
            if (lost.Sum() != 0 || doubled != 0)
            {
                section.Failures.Add($"a refresh lost {lost.Sum()} characters or doubled text ({doubled})");
            }

            log.WriteLine($"   attach p50 {attach.P50:0.0} ms, saved text age max {age.Max:0} ms, lost {lost.Sum()}");
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(dbPath + suffix);
            }
        }

        return section;
    }

    /// <summary>A new conversation's answer, read for <paramref name="deltas"/> deltas and then dropped.</summary>
    private static async Task<(Guid Conversation, string Seen, string? LastId)> StartAndDropAsync(HttpClient http, int deltas, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/conversations/messages") { Content = new ByteArrayContent(ChatStreams.MessageBody("数数")) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var conversation = Guid.Empty;
        var seen = new StringBuilder();
        string? lastId = null;
        await foreach (var (name, data, id) in Sse(response, cancellationToken))
        {
            if (name == "conversation")
            {
                conversation = data.GetProperty("id").GetGuid();
            }
            else if (name == "delta")
            {
                seen.Append(data.GetProperty("text").GetString());
                lastId = id;
                if (--deltas == 0)
                {
                    break;
                }
            }
        }

        return (conversation, seen.ToString(), lastId);
    }

    private static async Task<Guid> StreamingAnswerAsync(HttpClient http, Guid conversation, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync($"/api/conversations/{conversation}/messages?limit=2", cancellationToken));
        return json.RootElement.GetProperty("items").EnumerateArray().Last().GetProperty("id").GetGuid();
    }

    private static async Task<(string After, string Final)> AttachAsync(HttpClient http, Guid conversation, Guid answer, string? lastId, CancellationToken cancellationToken)
    {
        using var response = await OpenAsync(http, conversation, answer, lastId, cancellationToken);
        var rest = new StringBuilder();
        await foreach (var (name, data, _) in Sse(response, cancellationToken))
        {
            if (name == "delta")
            {
                rest.Append(data.GetProperty("text").GetString());
            }
            else if (name == "done")
            {
                return (rest.ToString(), data.GetProperty("content").GetString()!);
            }
        }

        throw new InvalidOperationException("the attached stream ended without done");
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient http, Guid conversation, Guid answer, string? lastId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{conversation}/messages/{answer}/stream");
        if (lastId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        return response;
    }

    /// <summary>Samples the saved text's length against a live reader's: how long ago the reader had that much.</summary>
    private static async Task<List<double>> SavedTextAgesAsync(HttpClient http, Guid conversation, Guid answer, int samples, CancellationToken cancellationToken)
    {
        var reached = new List<(int End, long At)>();
        using var response = await OpenAsync(http, conversation, answer, null, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(async () =>
        {
            await foreach (var (name, _, id) in Sse(response, stop.Token))
            {
                if (name == "delta" && id is not null)
                {
                    lock (reached)
                    {
                        reached.Add((int.Parse(id, CultureInfo.InvariantCulture), Stopwatch.GetTimestamp()));
                    }
                }
            }
        }, cancellationToken);
        await Task.Delay(1500, cancellationToken);
        var ages = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            await Task.Delay(97, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            using var json = JsonDocument.Parse(await http.GetStringAsync($"/api/conversations/{conversation}/messages?limit=2", cancellationToken));
            var saved = json.RootElement.GetProperty("items").EnumerateArray().Last().GetProperty("content").GetString()!.Length;
            lock (reached)
            {
                // The first moment the reader had more than the saved text: everything since is what a crash now would lose.
                var next = reached.FirstOrDefault(r => r.End > saved);
                ages.Add(next.At == 0 ? 0 : Clock.Ms(next.At, now));
            }
        }

        await stop.CancelAsync();
        await reading.ContinueWith(_ => { }, TaskScheduler.Default);
        return ages;
    }

    /// <summary>Server-sent events: name, JSON data and id.</summary>
    private static async IAsyncEnumerable<(string Name, JsonElement Data, string? Id)> Sse(HttpResponseMessage response,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        string? name = null, id = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null && data is not null)
                {
                    using var json = JsonDocument.Parse(data);
                    yield return (name, json.RootElement.Clone(), id);
                }

                (name, id, data) = (null, null, null);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
        }
    }
}
