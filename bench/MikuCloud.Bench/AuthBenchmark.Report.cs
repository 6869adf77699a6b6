namespace MikuCloud.Bench;

/// <summary>Item 6's part of the report.</summary>
public sealed partial class AuthBenchmark
{
    private void Write(Section section, List<Host> hosts, List<Cell> cells, List<ChatCell> chat, AllocationCompare? allocations)
    {
        var (rounds, perPhase, _) = RequestPlan();
        var (one, many, chatRounds) = ChatPlan();
        section.Line($"Three APIs at once, each on its own fresh SQLite file: {string.Join("; ", hosts.Select(h => $"*{h.Name}* ({h.Api.Description})"))}.")
            .Line("On all three every per-user limit is off — `Limits:RequestsPerMinute`, `Limits:TokensPerMinute`, `Limits:ConcurrentStreams` and")
            .Line("`Limits:StoredImages` set to 0 — so nothing is throttled and what differs is authentication; the third API sets only")
            .Line("`Limits:RequestsPerMinute=1000000000`, a limit never reached, to show what the sliding-window limiter itself costs. Admission as")
            .Line("in the gateway item (`Chat:MaxConcurrentGenerations=128`, `Chat:MaxQueue=128`); the bench's span listener is off in these APIs")
            .Line("(it would charge every extra query a few µs). The accounts APIs' user was made as on a real install (`POST /api/auth/setup`")
            .Line("with the Web's service token, then `POST /api/keys`); each API holds the same 20 conversations.")
            .Line();
        section.Line($"**Cheap calls.** One keep-alive connection, requests one after another, each timed from send to the whole body read;")
            .Line($"{rounds} rounds of {perPhase:N0} requests per cell, the cells rotating forward then backward so drift hits all alike, after")
            .Line("warm-up rounds and a pause until the APIs' JIT was idle. Credentials are made before the clock starts. *Fresh* tokens are")
            .Line("all different (a random `jti`), as if the Web minted one per call; *reused* is one token per phase, as the Web does when it")
            .Line($"caches a token for up to 60 s. Minting and signing a token is the Web's cost, not the API's: {Fmt.Us(mintUs)} each, measured in the harness.")
            .Line();

        section.Table(
            ["call", "authentication", "requests", "p50", "p90", "p99", "added p50", "added p99", "API CPU per 1,000 requests", "added API CPU per request", "API allocated per request", "errors"],
            cells.Select(c =>
            {
                var baseline = Baseline(cells, c);
                return (IReadOnlyList<string>)
                [
                    c.Endpoint.Label, c.Variant.Label, c.Requests.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    Fmt.Us(c.Latency.P50 * 1000), Fmt.Us(c.Latency.P90 * 1000), Fmt.Us(c.Latency.P99 * 1000),
                    c == baseline ? "" : SignedUs(c.Latency.P50 - baseline.Latency.P50), c == baseline ? "" : SignedUs(c.Latency.P99 - baseline.Latency.P99),
                    Fmt.Ms(c.CpuPer1k), c == baseline ? "" : SignedUs((c.CpuPer1k - baseline.CpuPer1k) / 1000),
                    Fmt.Bytes(c.AllocPerRequest), c.Errors.ToString(),
                ];
            }));

        section.Line($"**The chat path.** The gateway item's API side (its client, a fresh conversation per turn made before the clock, the fake")
            .Line($"Ollama stamping its chunks): {one.Streams} stream of {one.Label} ({chatRounds} × {one.TurnsPerStream} turns per variant), and {many.Streams}")
            .Line($"streams at {many.Label} started staggered over one answer ({chatRounds} × {many.Streams} × {many.TurnsPerStream} turns per variant); variants alternate")
            .Line("phase by phase. The Web token is minted once per phase. TTFT = request sent → first `delta`.")
            .Line();
        section.Table(
            ["fake Ollama", "streams", "authentication", "turns", "TTFT p50", "TTFT p99", "added p50", "added p99", "API CPU per turn", "added API CPU per turn", "errors"],
            chat.Select(c =>
            {
                var baseline = chat.First(b => b.Streams == c.Streams && b.Variant.Key == "single");
                return (IReadOnlyList<string>)
                [
                    c.Shape, c.Streams.ToString(), c.Variant.Label, c.Turns.ToString(),
                    Fmt.Ms(c.Ttft.P50), Fmt.Ms(c.Ttft.P99),
                    c == baseline ? "" : Fmt.SignedMs(c.Ttft.P50 - baseline.Ttft.P50), c == baseline ? "" : Fmt.SignedMs(c.Ttft.P99 - baseline.Ttft.P99),
                    Fmt.Ms(c.CpuPerTurn), c == baseline ? "" : SignedUs(c.CpuPerTurn - baseline.CpuPerTurn), c.Errors.ToString(),
                ];
            }));

        WriteAllocations(section, allocations);
        WriteReading(section, cells, chat);
        AddTargets(section, cells, chat);
        foreach (var (label, errors, first) in cells.Select(c => ($"{c.Endpoint.Path} {c.Variant.Key}", c.Errors, c.Phases.Select(p => p.FirstError).FirstOrDefault(e => e is not null)))
                     .Concat(chat.Select(c => ($"chat {c.Streams} streams {c.Variant.Key}", c.Errors, c.Phases.Select(p => p.FirstError).FirstOrDefault(e => e is not null))))
                     .Where(x => x.Errors > 0))
        {
            section.Failures.Add($"auth {label}: {errors} failed requests, e.g. {first}");
        }
    }

    private void WriteReading(Section section, List<Cell> cells, List<ChatCell> chat)
    {
        Cell Of(string key, int endpoint) => cells.First(c => c.Endpoint == Endpoints[endpoint] && c.Variant.Key == key);
        double Added(string key, int endpoint) => Of(key, endpoint).Latency.P50 - Of("single", endpoint).Latency.P50;
        double AddedCpu(string key, int endpoint) => (Of(key, endpoint).CpuPer1k - Of("single", endpoint).CpuPer1k) / 1000;
        double ChatAdded(string key, int streams) =>
            chat.FirstOrDefault(c => c.Variant.Key == key && c.Streams == streams) is { } c ? c.Ttft.P50 - chat.First(b => b.Streams == streams && b.Variant.Key == "single").Ttft.P50 : double.NaN;
        var firstQuery = Of("single", 1).Latency.P50 - Of("single", 0).Latency.P50;
        var firstQueryAlloc = Of("single", 1).AllocPerRequest - Of("single", 0).AllocPerRequest;
        var streams = ChatPlan().Many.Streams;

        section.Line("**Reading the numbers.**")
            .Line($"- On a call that does not touch the database itself (`GET /api/presets`), an API key adds {SignedUs(Added("key", 0))} at p50 and a Web token")
            .Line($"  {SignedUs(Added("fresh", 0))} fresh or {SignedUs(Added("reused", 0))} reused; the API's CPU grows by {SignedUs(AddedCpu("key", 0))}, {SignedUs(AddedCpu("fresh", 0))} and {SignedUs(AddedCpu("reused", 0))} per request. That is")
            .Line($"  not the credential check (minting a token, the same HMAC and JSON work as checking one, takes {Fmt.Us(mintUs)}; with `BENCH_AUTH_SPANS=1`")
            .Line("  the API's own spans put the lookup query at ~20–40 µs): it is the request's first use of the database — renting a")
            .Line("  pooled `DbContext`, opening a pooled connection, the query. Single-user `GET /api/conversations?limit=1` costs")
            .Line($"  {SignedUs(firstQuery)} and {Fmt.Bytes(firstQueryAlloc)} more than single-user `GET /api/presets` for the same reason. (Before the")
            .Line("  contexts were pooled and the SQLite setup ran once per native connection, the first use cost ~130 µs and ~14 KB more.)")
            .Line($"  On a call that has its `DbContext` anyway, authentication adds only the query: {SignedUs(Added("key", 1))} with an API key (a join), {SignedUs(Added("reused", 1))} with")
            .Line("  a Web token (a primary-key read). Most calls the Web makes touch the database, so those are the usual costs.")
            .Line("- A fresh and a reused token cost the API the same (it validates the signature and loads the user every time and caches nothing")
            .Line("  per token); reusing a token saves the Web its minting, not the API anything.")
            .Line($"- The request-rate limiter (a sliding window per user) adds {SignedUs(Of("limited", 0).Latency.P50 - Of("key", 0).Latency.P50)} at p50 over the same API key without it.")
            .Line($"- On the chat path an API key adds {Fmt.SignedMs(ChatAdded("key", 1))} to TTFT at p50 with one stream and {Fmt.SignedMs(ChatAdded("key", streams))} with {streams}; a Web token")
            .Line($"  {Fmt.SignedMs(ChatAdded("reused", 1))} and {Fmt.SignedMs(ChatAdded("reused", streams))}. A turn has its `DbContext` anyway, so the expected cost is one query (~0.1 ms, as")
            .Line("  above); differences of a few tenths of a millisecond in TTFT are within this item's run-to-run noise on a shared machine.")
            .Line("- Cheaper still: a compiled query (`EF.CompileAsyncQuery`) for the two lookups. Caching the authenticated user for a few")
            .Line("  seconds would remove the query, but revoking a key or disabling a user would then take up to that long — today it is the")
            .Line("  next request, which is worth ~0.1 ms.")
            .Line();
    }

    private void AddTargets(Section section, List<Cell> cells, List<ChatCell> chat)
    {
        var presets = cells.Where(c => c.Endpoint.Path == Endpoints[0].Path).ToDictionary(c => c.Variant.Key);
        var single = presets["single"];
        section.Targets.Add(new TargetCheck("6 auth", "added per request, p50, `GET /api/presets`: API key / Web token fresh / reused", "—",
            $"{SignedUs(presets["key"].Latency.P50 - single.Latency.P50)} / {SignedUs(presets["fresh"].Latency.P50 - single.Latency.P50)} / {SignedUs(presets["reused"].Latency.P50 - single.Latency.P50)}", null,
            $"API CPU {SignedUs((presets["key"].CpuPer1k - single.CpuPer1k) / 1000)} / {SignedUs((presets["fresh"].CpuPer1k - single.CpuPer1k) / 1000)} / {SignedUs((presets["reused"].CpuPer1k - single.CpuPer1k) / 1000)} per request; vs single-user {Fmt.Us(single.Latency.P50 * 1000)}"));
        section.Targets.Add(new TargetCheck("6 auth", "rate limiter on (API key), added per request, p50", "—",
            SignedUs(presets["limited"].Latency.P50 - presets["key"].Latency.P50), null));
        var ones = chat.Where(c => c.Streams == 1).ToDictionary(c => c.Variant.Key);
        var manys = chat.Where(c => c.Streams > 1).ToDictionary(c => c.Variant.Key);
        section.Targets.Add(new TargetCheck("6 auth", $"TTFT added by an API key, p50, 1 / {ChatPlan().Many.Streams} streams", "—",
            $"{Fmt.SignedMs(ones["key"].Ttft.P50 - ones["single"].Ttft.P50)} / {Fmt.SignedMs(manys["key"].Ttft.P50 - manys["single"].Ttft.P50)}", null,
            $"vs single-user {Fmt.Ms(ones["single"].Ttft.P50)} / {Fmt.Ms(manys["single"].Ttft.P50)}"));
    }

    /// <summary>The single-user cell of the same call.</summary>
    private static Cell Baseline(List<Cell> cells, Cell cell) => cells.First(b => b.Endpoint == cell.Endpoint && b.Variant.Key == "single");

    /// <summary>A difference given in ms, shown in µs with its sign.</summary>
    private static string SignedUs(double ms) => double.IsNaN(ms) ? "–" : (ms >= 0 ? "+" : "−") + Fmt.Us(Math.Abs(ms) * 1000);
}
