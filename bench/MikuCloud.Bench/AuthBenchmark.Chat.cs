using System.Net.Http.Headers;

namespace MikuCloud.Bench;

/// <summary>The chat path: the same turns as the gateway item's API side, with and without authentication.</summary>
public sealed partial class AuthBenchmark
{
    /// <summary>What the fake streams per turn: short answers back to back (1 stream), or ~60 tokens/s (16 streams).</summary>
    private sealed record ChatShape(string Label, int Tokens, TimeSpan ChunkDelay, int Streams, int TurnsPerStream)
    {
        public TimeSpan AnswerDuration => ChunkDelay * Math.Max(0, Tokens - 1);
    }

    private (ChatShape One, ChatShape Many, int Rounds) ChatPlan()
    {
        var perToken = TimeSpan.FromSeconds(1.0 / 60);
        return options.Scale switch
        {
            BenchScale.Full => (new("20-token answers, as fast as it can", 20, TimeSpan.Zero, 1, 150), new("~60 tokens/s, 60-token answers", 60, perToken, 16, 3), 2),
            BenchScale.Quick => (new("20-token answers, as fast as it can", 20, TimeSpan.Zero, 1, 50), new("~60 tokens/s, 60-token answers", 60, perToken, 16, 1), 1),
            _ => (new("20-token answers, as fast as it can", 20, TimeSpan.Zero, 1, 3), new("~60 tokens/s, 6-token answers", 6, perToken, 4, 1), 1),
        };
    }

    private async Task<List<ChatCell>> MeasureChatAsync(List<Variant> variants, List<Host> hosts, CancellationToken cancellationToken)
    {
        var (one, many, rounds) = ChatPlan();
        var body = ChatStreams.MessageBody("请描述这张图片里的猫。 Describe the cat in this picture.");
        var clients = variants.ToDictionary(v => v.Key, v => ChatStreams.NewClient(v.Host.Api.BaseAddress));
        try
        {
            // Warm-up as in the gateway item: load, then a pause, until a pause compiles (almost) nothing on every API. Paced
            // streams tier up late: one round left the single-user API compiling ~900 methods during its measured phase.
            await WarmUpAsync(hosts, async () =>
            {
                foreach (var variant in variants)
                {
                    await RunChatAsync(variant, clients[variant.Key], body, one with { TurnsPerStream = Math.Max(2, one.TurnsPerStream / 3) }, cancellationToken);
                    await RunChatAsync(variant, clients[variant.Key], body, many with { TurnsPerStream = Math.Min(2, many.TurnsPerStream + 1) }, cancellationToken);
                }
            }, cancellationToken);

            var cells = new List<ChatCell>();
            foreach (var shape in new[] { one, many })
            {
                var row = variants.Select(v => new ChatCell(v, shape.Streams, shape.Label, [])).ToList();
                for (var round = 0; round < rounds; round++)
                {
                    foreach (var cell in round % 2 == 0 ? row : Enumerable.Reverse(row))
                    {
                        cell.Phases.Add(await RunChatAsync(cell.Variant, clients[cell.Variant.Key], body, shape, cancellationToken));
                    }
                }

                foreach (var cell in row)
                {
                    log.WriteLine($"   chat {shape.Streams,2} streams {cell.Variant.Key,-8}: TTFT p50 {Fmt.Ms(cell.Ttft.P50)} p99 {Fmt.Ms(cell.Ttft.P99)}; API CPU/turn {Fmt.Ms(cell.CpuPerTurn)}; errors {cell.Errors}");
                }

                cells.AddRange(row);
            }

            return cells;
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// <see cref="ChatShape.Streams"/> streams of back-to-back turns, each to a fresh conversation made before the clock
    /// starts (every turn has the same empty history). Paced streams start staggered over one answer, as in the gateway item.
    /// </summary>
    private async Task<Phase> RunChatAsync(Variant variant, HttpClient client, byte[] body, ChatShape shape, CancellationToken cancellationToken)
    {
        // One credential per phase: a Web token is valid for two minutes, longer than any phase.
        var credential = variant.Credentials(1)[0];
        client.DefaultRequestHeaders.Authorization = credential is null ? null : new AuthenticationHeaderValue("Bearer", credential);
        fake.Chat = _ => ChatStreams.Reply(shape.Tokens, shape.ChunkDelay);
        var total = shape.Streams * shape.TurnsPerStream;
        var conversations = new Guid[total];
        for (var i = 0; i < total; i++)
        {
            conversations[i] = await ChatStreams.CreateConversationAsync(client, cancellationToken);
        }

        var phase = new Phase { Requests = total };
        var before = await variant.Host.Api.StatsAsync(cancellationToken);
        var stagger = shape.ChunkDelay > TimeSpan.Zero && shape.Streams > 1 ? shape.AnswerDuration / shape.Streams : TimeSpan.Zero;
        var results = await Task.WhenAll(Enumerable.Range(0, shape.Streams).Select(async s =>
        {
            await Task.Delay(stagger * s, cancellationToken);
            var mine = new List<StreamResult>(shape.TurnsPerStream);
            for (var t = 0; t < shape.TurnsPerStream; t++)
            {
                try
                {
                    mine.Add(await ChatStreams.ApiAsync(client, conversations[s * shape.TurnsPerStream + t], body, null, cancellationToken));
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    mine.Add(new StreamResult { Error = ex.Message });
                }
            }

            return mine;
        }));
        var after = await variant.Host.Api.StatsAsync(cancellationToken);
        foreach (var result in results.SelectMany(r => r))
        {
            phase.Latencies.Add(result.TtftMs);
            if (result.Status != 200 || !result.Done || result.Error is not null)
            {
                phase.Errors++;
                phase.FirstError ??= $"{result.Status} {result.Error ?? "incomplete stream"}";
            }
        }

        phase.ApiCpuMs = after.CpuMs - before.CpuMs;
        phase.ApiAllocated = after.AllocatedBytes - before.AllocatedBytes;
        phase.Gen0 = after.Gen0 - before.Gen0;
        phase.GcPauseMs = after.GcPauseMs - before.GcPauseMs;
        phase.JitMethods = after.JitMethods - before.JitMethods;
        log.WriteLine($"      {variant.Key,-8} {shape.Streams,2} streams: TTFT p50 {Fmt.Ms(Summary.Of(phase.Latencies).P50)}, API CPU {Fmt.Ms(phase.ApiCpuMs)}, " +
                      $"{phase.JitMethods} methods compiled, gen0 {phase.Gen0}, GC pause {Fmt.Ms(phase.GcPauseMs)}");
        return phase;
    }
}
