using System.Diagnostics;
using MikuCloud.Testing;

namespace MikuCloud.Bench;

/// <summary>
/// Item 5: 200 clients against an API admitting 4 parallel generations (the default queue: 4 per slot). Each client
/// sends a message, reads the answer to the end when admitted, and on a 429 waits 100–300 ms and sends again.
/// </summary>
public sealed class AdmissionBenchmark(BenchOptions options, TextWriter log)
{
    private const int Capacity = 4;

    public async Task<Section> RunAsync(CancellationToken cancellationToken)
    {
        var clients = options.Scale == BenchScale.Smoke ? 40 : 200;
        var section = new Section($"5. Admission under overload: {clients} clients, 4 parallel generations");
        var duration = options.Scale switch { BenchScale.Full => TimeSpan.FromSeconds(30), BenchScale.Quick => TimeSpan.FromSeconds(8), _ => TimeSpan.FromSeconds(1.5) };
        var tokens = options.Scale == BenchScale.Smoke ? 10 : 60;
        var chunkDelay = TimeSpan.FromSeconds(1.0 / 60);
        var dbPath = Path.Combine(Path.GetTempPath(), $"mikucloud-bench-admission-{Guid.NewGuid():N}.db");
        await using var fake = await FakeOllama.StartAsync();
        fake.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        fake.RecordRequests = false;
        fake.Chat = _ => ChatStreams.Reply(tokens, chunkDelay);
        try
        {
            await using var api = await ApiHostSettings.StartAsync(options.ApiHost, new ApiHostSettings(fake.ConnectionString, dbPath, new Dictionary<string, string?>
            {
                ["Chat:MaxConcurrentGenerations"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), cancellationToken);
            using var http = ChatStreams.NewClient(api.BaseAddress);
            var body = ChatStreams.MessageBody("你好！请简单介绍一下你自己。 Hello! Please introduce yourself briefly.");

            // One conversation per client (a 429 saves nothing, so a client keeps its conversation across retries).
            var conversations = new Guid[clients];
            for (var i = 0; i < clients; i++)
            {
                conversations[i] = await ChatStreams.CreateConversationAsync(http, cancellationToken);
            }

            // Warm-up: the same storm, briefly, then a pause until the API's JIT has settled (see the gateway item).
            if (options.Scale != BenchScale.Smoke)
            {
                for (var round = 0; round < 2; round++)
                {
                    await StormAsync(http, conversations, body, tokens, TimeSpan.FromSeconds(3), cancellationToken);
                    var settle = await api.StatsAsync(cancellationToken);
                    for (var i = 0; i < 30; i++)
                    {
                        await Task.Delay(500, cancellationToken);
                        var now = await api.StatsAsync(cancellationToken);
                        var quiet = now.JitMethods - settle.JitMethods < 5 && (now.CpuMs - settle.CpuMs) * 2 < 20;
                        settle = now;
                        if (quiet)
                        {
                            break;
                        }
                    }
                }
            }

            await api.SpansAsync(cancellationToken);
            var before = await api.StatsAsync(cancellationToken);
            await api.ResetPeakAsync(cancellationToken);
            fake.ResetPeakActiveChats();
            var started = Stopwatch.GetTimestamp();
            await using var rss = new RssSampler(api.ProcessId, TimeSpan.FromMilliseconds(20));
            var heapPeak = 0L;
            using var sampling = new CancellationTokenSource();
            var heapSampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    try
                    {
                        var stats = await api.StatsAsync(sampling.Token);
                        heapPeak = Math.Max(heapPeak, stats.GcHeapBytes);
                        await Task.Delay(250, sampling.Token);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
                    {
                        break;
                    }
                }
            }, CancellationToken.None);

            var storm = await StormAsync(http, conversations, body, tokens, duration, cancellationToken);
            var (statuses, accepted, rejectedMs, retryAfterMissing, transportErrors, incomplete) =
                (storm.Statuses, storm.Accepted, storm.RejectedMs, storm.RetryAfterMissing, storm.TransportErrors, storm.Incomplete);
            var wall = Clock.MsSince(started);
            await sampling.CancelAsync();
            await heapSampler;
            var after = await api.StatsAsync(cancellationToken);
            if (Environment.GetEnvironmentVariable("BENCH_DEBUG_SPANS") == "1")
            {
                foreach (var span in await api.SpansAsync(cancellationToken))
                {
                    log.WriteLine($"      {span.Name}: {span.Count} × p50 {span.DurationP50:0.000} ms p99 {span.DurationP99:0.000} ms, starts {span.StartP50:0.000}");
                }

                log.WriteLine($"      jit {after.JitMethods - before.JitMethods}, gc pause {after.GcPauseMs - before.GcPauseMs:0} ms, gen0 {after.Gen0 - before.Gen0}, gen2 {after.Gen2 - before.Gen2}, lock contentions {after.LockContentions - before.LockContentions}");
            }

            var total = statuses.Values.Sum();
            var ok = statuses.GetValueOrDefault(200);
            var busy = statuses.GetValueOrDefault(429);
            var serverErrors = statuses.Where(kv => kv.Key >= 500).Sum(kv => kv.Value);
            var others = total - ok - busy - serverErrors;
            var answersPerSecond = ok / (wall / 1000);
            var tokensPerSecond = accepted.Sum(r => (long)r.Chunks) / (wall / 1000);
            var ideal = Capacity * (1000.0 / (chunkDelay.TotalMilliseconds * (tokens - 1)));
            var ttft = Summary.Of(accepted.Select(r => r.TtftMs));
            var reject = Summary.Of(rejectedMs);
            var peakRss = Math.Max(after.PeakWorkingSetBytes, rss.PeakBytes);
            log.WriteLine($"   {total} requests: {ok} accepted, {busy} × 429, {serverErrors} × 5xx, {others} other; {answersPerSecond:0.00} answers/s; peak RSS {Fmt.Bytes(peakRss)}; fake peak {fake.PeakActiveChats}");

            section.Line($"{clients} clients, each with its own conversation, for {duration.TotalSeconds:0} s against the API ({api.Description}) with")
                .Line($"`Chat:MaxConcurrentGenerations={Capacity}` and the default queue (4 per slot = {Capacity * 4} waiting, 30 s queue timeout). The fake Ollama")
                .Line($"streams {tokens}-token answers at ~60 tokens/s (~{(tokens - 1) / 60.0:0.0} s each), so the capacity is about {ideal:0.0} answers/s. A client reads an accepted")
                .Line("answer to the end; on a 429 it waits 100–300 ms and sends again (harder than honouring `Retry-After`, to keep the overload on).")
                .Line();
            section.Table(["", "value"],
            [
                ["requests sent", total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)],
                ["accepted (200, answer streamed to the end)", $"{ok:N0} ({Fmt.Percent((double)ok / Math.Max(1, total))}); {incomplete} incomplete"],
                ["refused with 429 + `Retry-After`", $"{busy:N0} (**{Fmt.Percent((double)busy / Math.Max(1, total))}** of requests); {retryAfterMissing} without `Retry-After`"],
                ["5xx", $"**{serverErrors}**"],
                ["other statuses / transport errors", $"{others} / {transportErrors}"],
                ["accepted throughput", $"{answersPerSecond:0.00} answers/s, {tokensPerSecond:0} tokens/s ({Fmt.Percent(answersPerSecond / ideal)} of the {ideal:0.0} answers/s the 4 slots allow)"],
                ["generations at once, as Ollama saw them (peak)", $"{fake.PeakActiveChats} (limit {Capacity})"],
                ["accepted: time to first token (includes the queue wait) p50 / p99", $"{Fmt.Ms(ttft.P50)} / {Fmt.Ms(ttft.P99)}"],
                ["refused: time to the 429 p50 / p99", $"{Fmt.Ms(reject.P50)} / {Fmt.Ms(reject.P99)}"],
                ["API memory: peak RSS / before", $"{Fmt.Bytes(peakRss)} / {Fmt.Bytes(before.WorkingSetBytes)}"],
                ["API memory: GC heap peak (sampled every 250 ms) / after", $"{Fmt.Bytes(heapPeak)} / {Fmt.Bytes(after.GcHeapBytes)}"],
                ["API CPU during the run", $"{Fmt.Ms(after.CpuMs - before.CpuMs)} ({Fmt.Percent((after.CpuMs - before.CpuMs) / wall / Environment.ProcessorCount)} of the machine), {Fmt.Ms((after.CpuMs - before.CpuMs) / Math.Max(1, total))} per request"],
            ]);

            section.Line("A refusal is cheap but not free: the API finds the conversation, reads its history and builds the prompt before it asks")
                .Line("admission for a slot, because a request that is wrong (404, 400 context overflow) or conflicting (409) should hear that rather")
                .Line("than \"busy\". Under a storm that ignores `Retry-After` the refusals are most of the API's CPU; the slots stay full and the")
                .Line("accepted answers stream at their normal rate. (Checking the queue first would make a refusal cheaper, at the price of")
                .Line("answering 429 to requests that would fail anyway; not done.)")
                .Line();

            if (serverErrors > 0)
            {
                section.Failures.Add($"admission: {serverErrors} responses with 5xx");
            }

            if (fake.PeakActiveChats > Capacity)
            {
                section.Failures.Add($"admission: Ollama saw {fake.PeakActiveChats} generations at once (limit {Capacity})");
            }

            section.Targets.Add(new TargetCheck("5 admission", $"{clients} clients vs 4 slots: 5xx responses", "0", serverErrors.ToString(), serverErrors == 0));
            section.Targets.Add(new TargetCheck("5 admission", "accepted throughput", "—", $"{answersPerSecond:0.00} answers/s ({Fmt.Percent(answersPerSecond / ideal)} of capacity)", null));
            section.Targets.Add(new TargetCheck("5 admission", "429 share", "—", Fmt.Percent((double)busy / Math.Max(1, total)), null));
            section.Targets.Add(new TargetCheck("5 admission", "API memory high-water mark (peak RSS)", "—", Fmt.Bytes(peakRss), null));
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

    private sealed record Storm(
        System.Collections.Concurrent.ConcurrentDictionary<int, int> Statuses,
        System.Collections.Concurrent.ConcurrentBag<StreamResult> Accepted,
        System.Collections.Concurrent.ConcurrentBag<double> RejectedMs,
        int RetryAfterMissing,
        int TransportErrors,
        int Incomplete);

    /// <summary>Every client sends, reads an accepted answer to the end, and on a refusal waits 100–300 ms and sends again, until the deadline.</summary>
    private static async Task<Storm> StormAsync(HttpClient http, Guid[] conversations, byte[] body, int tokens, TimeSpan duration, CancellationToken cancellationToken)
    {
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<StreamResult>();
        var rejectedMs = new System.Collections.Concurrent.ConcurrentBag<double>();
        var retryAfterMissing = 0;
        var transportErrors = 0;
        var incomplete = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, conversations.Length).Select(async c =>
        {
            var random = new Random(c);
            await gate.Task;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                StreamResult result;
                try
                {
                    result = await ChatStreams.ApiAsync(http, conversations[c], body, null, cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    Interlocked.Increment(ref transportErrors);
                    await Task.Delay(random.Next(100, 300), cancellationToken);
                    continue;
                }

                statuses.AddOrUpdate(result.Status, 1, (_, n) => n + 1);
                if (result.Status == 200)
                {
                    accepted.Add(result);
                    if (!result.Done || result.Chunks != tokens)
                    {
                        Interlocked.Increment(ref incomplete);
                    }
                }
                else
                {
                    rejectedMs.Add(Clock.Ms(result.Start, result.End));
                    if (result.Status == 429 && result.RetryAfter is null)
                    {
                        Interlocked.Increment(ref retryAfterMissing);
                    }

                    await Task.Delay(random.Next(100, 300), cancellationToken);
                }
            }
        }).ToArray();

        gate.SetResult();
        await Task.WhenAll(tasks);
        return new Storm(statuses, accepted, rejectedMs, retryAfterMissing, transportErrors, incomplete);
    }
}
