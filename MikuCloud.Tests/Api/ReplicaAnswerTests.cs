using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;
using MikuCloud.Testing;
using MikuCloud.Tests.Persistence;

namespace MikuCloud.Tests.Api;

/// <summary>
/// Two API replicas on one PostgreSQL: a reader on one follows (and stops) an answer generating on the other, through
/// LISTEN/NOTIFY; the generating replica killed outright leaves the answer <c>interrupted</c> with at most ~1 s of text lost.
/// </summary>
public class ReplicaAnswerTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] Tokens(int count) => [.. Enumerable.Range(1, count).Select(i => $"t{i:D3} ")];

    [Fact]
    public async Task A_reader_on_one_replica_follows_live_and_stops_an_answer_generating_on_another()
    {
        await using var database = new PostgresTestDatabase();
        await database.CreateAsync();
        await using var generating = await database.StartApiAsync();
        await using var reading = await database.StartApiAsync();
        var tokens = Tokens(80);
        generating.Ollama.Chat = _ => new FakeChatReply { Chunks = tokens, ChunkDelay = TimeSpan.FromMilliseconds(100) };
        var id = await generating.NewConversationAsync();

        using var writerClient = generating.CreateClient();
        using var response = await writerClient.SendAsync(id, new { content = "count" }, Ct);
        var writerSeen = new Dictionary<int, long>();
        var writerDone = Task.Run(async () =>
        {
            var events = new List<SseEvent>();
            await foreach (var e in Sse.ReadAsync(response, cancellationToken: Ct))
            {
                events.Add(e);
                if (e.Name == "delta")
                {
                    lock (writerSeen)
                    {
                        writerSeen[int.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)] = Stopwatch.GetTimestamp();
                    }
                }
            }

            return events;
        }, Ct);

        var answerId = await WaitForAnswerAsync(generating, id);
        await Task.Delay(500, Ct); // a few tokens in, some not yet saved
        using var readerClient = reading.CreateClient();
        // A first reader warms the reading replica (JIT, query compilation: seconds on a loaded machine) and goes away.
        using (var warm = await readerClient.GetAsync($"/api/conversations/{id}/messages/{answerId}/stream", HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            await foreach (var e in Sse.ReadAsync(warm, cancellationToken: Ct))
            {
                if (e.Name == "delta")
                {
                    break;
                }
            }
        }

        var attached = Stopwatch.GetTimestamp();
        using var follow = await readerClient.GetAsync($"/api/conversations/{id}/messages/{answerId}/stream", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, follow.StatusCode);
        var text = new StringBuilder();
        var lags = new List<double>();
        double? firstByteMs = null;
        var readerEvents = new List<SseEvent>();
        var stopped = false;
        var deltasBeforeStop = 0;
        await foreach (var e in Sse.ReadAsync(follow, cancellationToken: Ct))
        {
            readerEvents.Add(e);
            if (e.Name != "delta")
            {
                continue;
            }

            firstByteMs ??= Stopwatch.GetElapsedTime(attached).TotalMilliseconds;
            deltasBeforeStop += stopped ? 0 : 1;
            text.Append(e.Data!["text"]!.GetValue<string>());
            Assert.Equal(text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Id); // contiguous: nothing lost or doubled
            lock (writerSeen)
            {
                if (writerSeen.TryGetValue(text.Length, out var at))
                {
                    lags.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }
            }

            if (!stopped && (deltasBeforeStop >= 12 || text.Length >= 70 * tokens[0].Length))
            {
                stopped = true;
                // Stop from the reading replica: the generating one stops it.
                using var stop = await readerClient.PostAsync($"/api/conversations/{id}/messages/{answerId}/stop", null, Ct);
                Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
                Assert.Equal(MessageStatus.Cancelled, (await stop.Content.ReadFromJsonAsync<MessageDto>(Ct))!.Status);
            }
        }

        var writerEvents = await writerDone;
        foreach (var line in generating.Logs.Concat(reading.Logs).Where(l => l.Contains("relay", StringComparison.OrdinalIgnoreCase) || l.Contains("replica", StringComparison.OrdinalIgnoreCase)))
        {
            output.WriteLine(line);
        }

        lags.Sort();
        output.WriteLine($"reader's first byte {firstByteMs:0} ms after attaching; relay lag p50 {lags.ElementAtOrDefault(lags.Count / 2):0} ms over {lags.Count} matched deltas; {deltasBeforeStop} deltas before Stop");
        var saved = (await generating.MessagesAsync(id))[1];
        Assert.Equal(MessageStatus.Cancelled, saved.Status);
        Assert.Equal(ProblemCodes.Cancelled, writerEvents[^1].Data!["code"]!.GetValue<string>());
        Assert.Equal("done", readerEvents[^1].Name);
        Assert.Equal(MessageStatus.Cancelled, readerEvents[^1].Data!["status"]!.GetValue<string>());
        Assert.StartsWith(text.ToString(), saved.Content, StringComparison.Ordinal);
        Assert.True(saved.Content.Length < string.Concat(tokens).Length, "the answer was not stopped");
        // Live, not a checkpoint a second: about one event per token (10 a second) from attaching to Stop.
        Assert.True(deltasBeforeStop >= 8, $"the reader got only {deltasBeforeStop} deltas before Stop");
    }

    [Fact]
    public async Task The_generating_replica_killed_mid_answer_leaves_it_interrupted_with_at_most_a_second_of_text_lost()
    {
        await using var database = new PostgresTestDatabase();
        await database.CreateAsync();
        await using var survivor = await database.StartApiAsync(); // migrates; also the replica whose sweep closes the answer
        await using var ollama = await FakeOllama.StartAsync();
        ollama.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        var tokens = Tokens(200);
        ollama.Chat = _ => new FakeChatReply { Chunks = tokens, ChunkDelay = TimeSpan.FromMilliseconds(50) }; // 20 tokens a second
        await using var doomed = await ApiProcess.StartAsync(new()
        {
            ["ConnectionStrings:ollama"] = ollama.ConnectionString,
            ["ConnectionStrings:chatdb"] = database.ConnectionString,
            ["Database:Provider"] = "postgres",
        }, Ct);
        var id = await survivor.NewConversationAsync();

        using var client = doomed.CreateClient();
        using var response = await client.SendAsync(id, new { content = "count" }, Ct);
        var received = new StringBuilder();
        try
        {
            await foreach (var e in Sse.ReadAsync(response, cancellationToken: Ct))
            {
                if (e.Name == "delta")
                {
                    received.Append(e.Data!["text"]!.GetValue<string>());
                    if (received.Length >= 60 * tokens[0].Length)
                    {
                        doomed.Kill(); // SIGKILL, three seconds in
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // the stream broke as the process died
        }

        var killedAt = Stopwatch.GetTimestamp();
        var answer = await WaitForAsync(survivor, id, m => m.Status != MessageStatus.Streaming, TimeSpan.FromSeconds(30));
        // Lost: what the user had seen and the saved answer has not (the reader may lag the model, so the saved text can be longer).
        var lostChars = Math.Max(0, received.Length - answer.Content.Length);
        var lostSeconds = lostChars / (double)tokens[0].Length / 20;
        output.WriteLine($"interrupted {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:0.0} s after the kill; the client had {received.Length} characters, " +
                         $"the saved answer {answer.Content.Length}: {lostChars} lost = {lostSeconds:0.00} s of generation");
        Assert.Equal(MessageStatus.Interrupted, answer.Status);
        var shorter = Math.Min(received.Length, answer.Content.Length);
        Assert.Equal(received.ToString(0, shorter), answer.Content[..shorter]); // the same text, one a prefix of the other
        Assert.True(lostSeconds <= 1.25, $"{lostSeconds:0.00} s of text lost"); // a 1 s checkpoint, plus a token in flight
    }

    private static async Task<Guid> WaitForAnswerAsync(ApiFactory api, Guid conversation) =>
        (await WaitForAsync(api, conversation, _ => true, TimeSpan.FromSeconds(10))).Id;

    private static async Task<Message> WaitForAsync(ApiFactory api, Guid conversation, Func<Message, bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var answer = await api.WithDbAsync(db => db.Messages.AsNoTracking()
                .FirstOrDefaultAsync(m => m.ConversationId == conversation && m.Role == MessageRole.Assistant, Ct));
            if (answer is not null && condition(answer))
            {
                return answer;
            }

            Assert.True(deadline.Elapsed < timeout, "the answer did not get there in time");
            await Task.Delay(50, Ct);
        }
    }
}
