using System.Diagnostics;
using System.Net.Http.Headers;
using MikuCloud.Testing;

namespace MikuCloud.Bench;

/// <summary>
/// Item 6: what authentication costs at the API. The same cheap calls and the same chat turns against an API in
/// single-user mode (no credentials) and against APIs in accounts mode, with a personal API key or a Web user token,
/// all alive at once and measured in alternating phases. Per-user limits are off (0) on every API, so what differs is
/// authentication alone; a third API with the request-rate limiter on shows what that adds.
/// </summary>
public sealed partial class AuthBenchmark(BenchOptions options, TextWriter log)
{
    /// <summary>One API under test and a client for its cheap calls (one connection, requests one after another).</summary>
    private sealed record Host(string Name, IApiHost Api, HttpClient Client)
    {
        public BenchUser? User { get; set; }
    }

    /// <summary>How a call authenticates: the bearer credentials for a phase of <c>n</c> requests, made before the clock starts.</summary>
    private sealed record Variant(string Key, string Label, Host Host, Func<int, string?[]> Credentials);

    private sealed record Endpoint(string Path, string Label);

    /// <summary>One run of sequential requests (or chat turns) and what the API spent on them.</summary>
    private sealed class Phase
    {
        public List<double> Latencies { get; } = [];
        public int Requests { get; set; }
        public int Errors { get; set; }
        public string? FirstError { get; set; }
        public double ApiCpuMs { get; set; }
        public long ApiAllocated { get; set; }
        public int Gen0 { get; set; }
        public double GcPauseMs { get; set; }
        public long JitMethods { get; set; }
    }

    private sealed record Cell(Variant Variant, Endpoint Endpoint, List<Phase> Phases)
    {
        public Summary Latency => Summary.Of(Phases.SelectMany(p => p.Latencies));
        public int Requests => Phases.Sum(p => p.Requests);
        public int Errors => Phases.Sum(p => p.Errors);
        public double CpuPer1k => Phases.Sum(p => p.ApiCpuMs) / Requests * 1000;
        public double AllocPerRequest => (double)Phases.Sum(p => p.ApiAllocated) / Requests;
    }

    private sealed record ChatCell(Variant Variant, int Streams, string Shape, List<Phase> Phases)
    {
        public Summary Ttft => Summary.Of(Phases.SelectMany(p => p.Latencies));
        public int Turns => Phases.Sum(p => p.Requests);
        public int Errors => Phases.Sum(p => p.Errors);
        public double CpuPerTurn => Phases.Sum(p => p.ApiCpuMs) / Turns;
    }

    private static readonly Endpoint[] Endpoints =
    [
        new("/api/presets", "`GET /api/presets` (no database query of its own)"),
        new("/api/conversations?limit=1", "`GET /api/conversations?limit=1` (one indexed query)"),
    ];

    private readonly BenchAccounts accounts = new();
    private readonly List<string> dbPaths = [];
    private FakeOllama fake = null!;
    private double mintUs;

    public async Task<Section> RunAsync(CancellationToken cancellationToken)
    {
        var section = new Section("6. Authentication cost: single-user vs API key vs Web token");
        fake = await FakeOllama.StartAsync();
        fake.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        fake.RecordRequests = false;
        var hosts = new List<Host>();
        try
        {
            // Every per-user limit off (0), on every API: the comparison is authentication, not throttling. Admission as in
            // the gateway item, so 16 streams are 16 streams and not a queue.
            var common = new Dictionary<string, string?>
            {
                ["Chat:MaxConcurrentGenerations"] = "128",
                ["Chat:MaxQueue"] = "128",
                ["Limits:RequestsPerMinute"] = "0",
                ["Limits:TokensPerMinute"] = "0",
                ["Limits:ConcurrentStreams"] = "0",
                ["Limits:StoredImages"] = "0",
                ["Bench:Spans"] = "off",
            };
            var single = await StartAsync("single-user", common, cancellationToken);
            hosts.Add(single);
            // BENCH_AUTH_SPANS=1 (diagnostics, not for the report's numbers): the accounts API with the span listener, and
            // its spans per credential printed to the log.
            var spans = Environment.GetEnvironmentVariable("BENCH_AUTH_SPANS") == "1";
            var account = await StartAsync("accounts", With(common, accounts.Settings(), spans ? new() { ["Bench:Spans"] = "on" } : []), cancellationToken);
            hosts.Add(account);
            // The sliding-window limiter with a limit nobody reaches: its per-request cost without its 429s.
            var limited = await StartAsync("accounts + rate limiter", With(common, accounts.Settings(), new() { ["Limits:RequestsPerMinute"] = "1000000000" }), cancellationToken);
            hosts.Add(limited);
            foreach (var host in hosts.Skip(1))
            {
                host.User = await accounts.SetUpAsync(host.Api.BaseAddress, cancellationToken);
            }

            log.WriteLine($"   APIs: {string.Join("; ", hosts.Select(h => $"{h.Name} {h.Api.Description}"))}");
            var variants = Variants(single, account, limited);
            foreach (var host in hosts)
            {
                var credential = variants.First(v => v.Host == host).Credentials(1)[0];
                await SeedAsync(host, credential, cancellationToken);
            }

            mintUs = MeasureMinting(account.User!);
            var cells = await MeasureRequestsAsync(variants, cancellationToken);
            if (spans)
            {
                await LogSpansAsync(variants, cancellationToken);
            }

            var chatVariants = variants.Where(v => v.Host != limited && v.Key != "fresh").ToList();
            var chat = await MeasureChatAsync(chatVariants, [single, account], cancellationToken);
            var allocations = await ProfileAllocationsAsync(variants, cancellationToken);
            Write(section, hosts, cells, chat, allocations);
            return section;
        }
        finally
        {
            foreach (var host in hosts)
            {
                host.Client.Dispose();
                await host.Api.DisposeAsync();
            }

            await fake.DisposeAsync();
            foreach (var path in dbPaths)
            {
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Delete(path + suffix);
                }
            }
        }
    }

    private List<Variant> Variants(Host single, Host account, Host limited) =>
    [
        new("single", "single-user, no credentials", single, n => new string?[n]),
        new("key", "accounts, API key", account, n => Enumerable.Repeat<string?>(account.User!.ApiKey, n).ToArray()),
        new("fresh", "accounts, Web token, a fresh one per request", account, n => Enumerable.Range(0, n).Select(_ => (string?)accounts.UserToken(account.User!, unique: true)).ToArray()),
        new("reused", "accounts, Web token, reused (minted at the phase's start)", account, n => Enumerable.Repeat<string?>(accounts.UserToken(account.User!), n).ToArray()),
        new("limited", "accounts, API key, rate limiter on (limit never reached)", limited, n => Enumerable.Repeat<string?>(limited.User!.ApiKey, n).ToArray()),
    ];

    private static Dictionary<string, string?> With(params Dictionary<string, string?>[] parts)
    {
        var merged = new Dictionary<string, string?>();
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private async Task<Host> StartAsync(string name, Dictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var dbPath = Path.Combine(Path.GetTempPath(), $"mikucloud-bench-auth-{Guid.NewGuid():N}.db");
        dbPaths.Add(dbPath);
        var api = await ApiHostSettings.StartAsync(options.ApiHost, new ApiHostSettings(fake.ConnectionString, dbPath, settings), cancellationToken);
        return new Host(name, api, ChatStreams.NewClient(api.BaseAddress, maxConnections: 1));
    }

    /// <summary>The same 20 conversations on every API, so the list call does the same work everywhere.</summary>
    private static async Task SeedAsync(Host host, string? credential, CancellationToken cancellationToken)
    {
        using var client = ChatStreams.NewClient(host.Api.BaseAddress);
        client.DefaultRequestHeaders.Authorization = credential is null ? null : new AuthenticationHeaderValue("Bearer", credential);
        for (var i = 0; i < 20; i++)
        {
            await ChatStreams.CreateConversationAsync(client, cancellationToken);
        }
    }

    /// <summary>The Web's side of a token: µs to mint and sign one (in this process; the API never pays it).</summary>
    private double MeasureMinting(BenchUser user)
    {
        var n = options.Scale == BenchScale.Smoke ? 50 : 5_000;
        for (var i = 0; i < Math.Min(n, 500); i++)
        {
            accounts.UserToken(user);
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            accounts.UserToken(user);
        }

        return Clock.MsSince(started) * 1000 / n;
    }

    private (int Rounds, int PerPhase, int WarmUp) RequestPlan() => options.Scale switch
    {
        BenchScale.Full => (4, 1_000, 1_500),
        BenchScale.Quick => (2, 500, 500),
        _ => (1, 20, 10),
    };

    /// <summary>Every variant on every endpoint, in blocks that rotate (forward, then backward) so drift hits all alike.</summary>
    private async Task<List<Cell>> MeasureRequestsAsync(List<Variant> variants, CancellationToken cancellationToken)
    {
        var (rounds, perPhase, warmUp) = RequestPlan();
        var hosts = variants.Select(v => v.Host).Distinct().ToList();
        await WarmUpAsync(hosts, async () =>
        {
            foreach (var endpoint in Endpoints)
            {
                foreach (var variant in variants)
                {
                    await RunRequestsAsync(variant, endpoint, warmUp, cancellationToken);
                }
            }
        }, cancellationToken);

        var cells = Endpoints.SelectMany(e => variants.Select(v => new Cell(v, e, []))).ToList();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var cell in round % 2 == 0 ? cells : Enumerable.Reverse(cells))
            {
                cell.Phases.Add(await RunRequestsAsync(cell.Variant, cell.Endpoint, perPhase, cancellationToken));
            }
        }

        foreach (var cell in cells)
        {
            log.WriteLine($"   {cell.Endpoint.Path,-28} {cell.Variant.Key,-8}: p50 {Fmt.Us(cell.Latency.P50 * 1000)} p99 {Fmt.Us(cell.Latency.P99 * 1000)}; " +
                          $"API CPU/1k {Fmt.Ms(cell.CpuPer1k)}; alloc/request {Fmt.Bytes(cell.AllocPerRequest)}; errors {cell.Errors}");
        }

        return cells;
    }

    /// <summary>
    /// Runs <paramref name="load"/>, then waits for every API to idle, until the pause compiled (almost) nothing anywhere
    /// (at most 5 rounds): the APIs get different amounts of load (the accounts API serves three variants), so each must
    /// reach its final tier on its own, or the least-used one is measured on instrumented code.
    /// </summary>
    private async Task WarmUpAsync(List<Host> hosts, Func<Task> load, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var rounds = 0;
        var compiled = new long[hosts.Count];
        do
        {
            rounds++;
            await load();
            if (options.Scale == BenchScale.Smoke)
            {
                return;
            }

            for (var i = 0; i < hosts.Count; i++)
            {
                compiled[i] = await ApiIdle.SettleAsync(hosts[i].Api, cancellationToken);
            }
        }
        while (compiled.Max() > 50 && rounds < 5);

        log.WriteLine($"   warm-up {Clock.MsSince(started) / 1000:0.0} s, {rounds} rounds; the last pause compiled {string.Join(" / ", compiled)} methods");
    }

    private async Task LogSpansAsync(List<Variant> variants, CancellationToken cancellationToken)
    {
        foreach (var variant in variants.Where(v => v.Key is "key" or "reused"))
        {
            foreach (var endpoint in Endpoints)
            {
                await variant.Host.Api.SpansAsync(cancellationToken);
                await RunRequestsAsync(variant, endpoint, RequestPlan().PerPhase, cancellationToken);
                foreach (var span in await variant.Host.Api.SpansAsync(cancellationToken))
                {
                    log.WriteLine($"   spans {variant.Key} {endpoint.Path}: {span.Name} ×{span.Count} starts {span.StartP50:0.000} ms, p50 {span.DurationP50:0.000} ms, p99 {span.DurationP99:0.000} ms");
                }
            }
        }
    }

    private static async Task<Phase> RunRequestsAsync(Variant variant, Endpoint endpoint, int count, CancellationToken cancellationToken)
    {
        var credentials = variant.Credentials(count);
        var phase = new Phase { Requests = count };
        var before = await variant.Host.Api.StatsAsync(cancellationToken);
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.Path);
            if (credentials[i] is { } credential)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
            }

            var started = Stopwatch.GetTimestamp();
            using var response = await variant.Host.Client.SendAsync(request, cancellationToken); // the body is read before this returns
            phase.Latencies.Add(Clock.MsSince(started));
            if (!response.IsSuccessStatusCode)
            {
                phase.Errors++;
                phase.FirstError ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
        }

        var after = await variant.Host.Api.StatsAsync(cancellationToken);
        phase.ApiCpuMs = after.CpuMs - before.CpuMs;
        phase.ApiAllocated = after.AllocatedBytes - before.AllocatedBytes;
        phase.Gen0 = after.Gen0 - before.Gen0;
        phase.GcPauseMs = after.GcPauseMs - before.GcPauseMs;
        return phase;
    }
}
