using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using MikuCloud.Testing;

namespace MikuCloud.Bench;

/// <summary>
/// Item 2: time to first token as a user perceives it in headless Chromium — through the Web (type, press Enter, the
/// first answer text appears in the page) versus at the API (the same browser streaming the API's events with
/// <c>fetch</c>), with the harness's raw HTTP client at the API as the floor. All browser times are the page's own clock.
/// </summary>
public sealed class BrowserBenchmark(BenchOptions options, TextWriter log)
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private const string FetchTtftScript = """
        async ({ body }) => {
          const created = await fetch('/api/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"presetId":"balanced"}' });
          const id = (await created.json()).id;
          const t0 = performance.now();
          const response = await fetch(`/api/conversations/${id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const headers = performance.now() - t0;
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          let text = '', first = null;
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            text += decoder.decode(value, { stream: true });
            if (first === null && text.includes('event: delta')) first = performance.now() - t0;
          }
          return [response.status, headers, first ?? -1, performance.now() - t0];
        }
        """;

    private const string WatchScript = """
        () => {
          window.__bench = { sent: 0, first: 0, count: 0 };
          if (window.__benchInstalled) return;
          window.__benchInstalled = true;
          const answers = () => document.querySelectorAll('article.message.assistant');
          document.addEventListener('keydown', e => {
            if (e.key === 'Enter' && !e.shiftKey && !window.__bench.sent) { window.__bench.sent = performance.now(); window.__bench.count = answers().length; }
          }, true);
          const seen = () => {
            const b = window.__bench;
            if (!b.sent || b.first) return;
            const list = answers();
            if (list.length <= b.count) return;
            const text = list[list.length - 1].querySelector('.markdown');
            if (text && !text.querySelector('.thinking') && text.textContent.trim().length > 0) b.first = performance.now();
          };
          new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true });
        }
        """;

    public async Task<Section> RunAsync(CancellationToken cancellationToken)
    {
        var section = new Section("2. Browser-perceived time to first token: through the Web vs at the API");
        if (!File.Exists(options.ChromiumPath))
        {
            section.Line($"Skipped: {options.ChromiumPath} is not installed (`apt-get install -y chromium`).");
            section.Targets.Add(new TargetCheck("2 browser", "TTFT in Chromium, Web vs API", "—", "not measured (no Chromium)", null));
            return section;
        }

        var iterations = options.Scale switch { BenchScale.Full => 25, BenchScale.Quick => 8, _ => 1 };
        var warmups = options.Scale == BenchScale.Smoke ? 0 : 2;
        var dbPath = Path.Combine(Path.GetTempPath(), $"mikucloud-bench-browser-{Guid.NewGuid():N}.db");
        await using var fake = await FakeOllama.StartAsync();
        fake.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        fake.RecordRequests = false;
        var tokens = options.Scale == BenchScale.Smoke ? 6 : 30;
        fake.Chat = _ => ChatStreams.Reply(tokens, TimeSpan.FromSeconds(1.0 / 60));
        try
        {
            await using var api = InProcessApiHost.Start(new ApiHostSettings(fake.ConnectionString, dbPath, new Dictionary<string, string?>()));
            using var http = ChatStreams.NewClient(api.BaseAddress);
            await using var web = await WebProcess.TryStartAsync(api.BaseAddress, log, cancellationToken);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = options.ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = 60_000,
            });
            var version = browser.Version;

            // At the API: the browser streams the events itself (page on the API's origin, so no CORS), alternating
            // with the harness's raw client for the floor.
            var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(api.BaseAddress, "/alive").ToString());
            var body = JsonSerializer.Serialize(new { content = "你好，请介绍一下你自己。 Hello, introduce yourself.", presetId = "balanced" });
            var browserApi = new List<double>();
            var rawApi = new List<double>();
            for (var i = 0; i < iterations + warmups; i++)
            {
                var result = await page.EvaluateAsync<double[]>(FetchTtftScript, new { body });
                var conversation = await ChatStreams.CreateConversationAsync(http, cancellationToken);
                var raw = await ChatStreams.ApiAsync(http, conversation, System.Text.Encoding.UTF8.GetBytes(body), null, cancellationToken);
                if (result[0] != 200 || result[2] < 0 || !raw.Done)
                {
                    section.Failures.Add($"browser: a chat at the API failed (status {result[0]}, raw {raw.Status} {raw.Error})");
                    break;
                }

                if (i >= warmups)
                {
                    browserApi.Add(result[2]);
                    rawApi.Add(raw.TtftMs);
                }
            }

            await context.CloseAsync();

            // Through the Web, when its chat page exists.
            var viaWeb = new List<double>();
            var viaWebNext = new List<double>();
            string? webNote = null;
            if (web is null)
            {
                webNote = "the Web could not be started (see the log)";
            }
            else
            {
                context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
                page = await context.NewPageAsync();
                var consoleErrors = new List<string>();
                page.Console += (_, message) =>
                {
                    if (message.Type == "error")
                    {
                        lock (consoleErrors)
                        {
                            consoleErrors.Add(message.Text);
                        }
                    }
                };
                page.RequestFailed += (_, request) =>
                {
                    lock (consoleErrors)
                    {
                        consoleErrors.Add($"request failed: {request.Url} {request.Failure}");
                    }
                };
                await page.GotoAsync(web.Address.ToString());
                var input = page.Locator("#chat-text");
                if (await input.CountAsync() == 0 && !await AppearsAsync(input))
                {
                    webNote = "the Web in this build has no chat page yet (no `#chat-text` input on `/`)";
                }
                else
                {
                    try
                    {
                        await MeasureWebAsync();
                    }
                    catch (TimeoutException ex)
                    {
                        lock (consoleErrors)
                        {
                            throw new TimeoutException($"{ex.Message.Split('\n')[0]} Browser console: {string.Join(" | ", consoleErrors.Take(5))}", ex);
                        }
                    }
                }

                async Task MeasureWebAsync()
                {
                    for (var i = 0; i < iterations + warmups; i++)
                    {
                        await page.GotoAsync(web.Address.ToString());
                        // The page is prerendered; typing counts only once the circuit is up (the Web marks <html data-interactive>).
                        await page.WaitForSelectorAsync("html[data-interactive]", new PageWaitForSelectorOptions { Timeout = 30_000 });
                        var first = await SendAndTimeAsync($"你好，请介绍一下你自己。 Hello, introduce yourself. ({i})");
                        // The next message in the same conversation, once the first answer is complete.
                        await page.WaitForSelectorAsync("article.message.assistant[data-status=complete]", new PageWaitForSelectorOptions { Timeout = 30_000 });
                        var next = await SendAndTimeAsync("继续。 Go on.");
                        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('article.message.assistant')].at(-1)?.getAttribute('data-status') === 'complete'",
                            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
                        if (i >= warmups)
                        {
                            viaWeb.Add(first);
                            viaWebNext.Add(next);
                        }
                    }
                }

                async Task<double> SendAndTimeAsync(string text)
                {
                    await page.EvaluateAsync(WatchScript);
                    await input.FillAsync(text);
                    await input.PressAsync("Enter");
                    await page.WaitForFunctionAsync("() => window.__bench.first > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
                    return await page.EvaluateAsync<double>("() => window.__bench.first - window.__bench.sent");
                }

                await context.CloseAsync();
            }

            var (b, r, w, n) = (Summary.Of(browserApi), Summary.Of(rawApi), Summary.Of(viaWeb), Summary.Of(viaWebNext));
            section.Line($"Headless Chromium {version} (Debian's, driven by Playwright), the API in-process on Kestrel, the fake Ollama streaming {tokens} tokens")
                .Line("at ~60 tokens/s. *At the API*: a page on the API's origin streams `POST …/messages` with `fetch` and times, with `performance.now()`,")
                .Line("the first `delta` event. *Through the Web*: the chat page, a new chat each time and then a second message in it; the page's own")
                .Line("clock from the Enter keydown to the first answer text in the DOM (a `MutationObserver`). The harness's raw HTTP client at the API")
                .Line($"gives the floor. {iterations} chats each, after {warmups} warm-ups.")
                .Line();
            section.Line("*(Chromium's renderer and GPU processes detach from the harness, so the load line above counts them as other processes.)*").Line();
            var rows = new List<IReadOnlyList<string>>
            {
                new[] { "raw HTTP client at the API (harness)", Fmt.Ms(r.P50), Fmt.Ms(r.P90), Fmt.Ms(r.Max), "" },
                new[] { "Chromium at the API (`fetch` stream)", Fmt.Ms(b.P50), Fmt.Ms(b.P90), Fmt.Ms(b.Max), Fmt.SignedMs(b.P50 - r.P50) + " vs raw" },
            };
            if (viaWeb.Count > 0)
            {
                rows.Add(["Chromium through the Web, first message of a new chat", Fmt.Ms(w.P50), Fmt.Ms(w.P90), Fmt.Ms(w.Max), Fmt.SignedMs(w.P50 - b.P50) + " vs Chromium at the API"]);
                rows.Add(["Chromium through the Web, next message in the chat", Fmt.Ms(n.P50), Fmt.Ms(n.P90), Fmt.Ms(n.Max), Fmt.SignedMs(n.P50 - b.P50) + " vs Chromium at the API"]);
            }

            section.Table(["path", "TTFT p50", "p90", "max", "difference (p50)"], rows);
            if (webNote is not null)
            {
                section.Line($"**Through the Web: not measured** — {webNote}. The chat UI is being built on the `web` branch; this item measures it")
                    .Line("automatically once `main` has it (the harness starts `MikuCloud.Web` as a process and drives `#chat-text`). Until then the best available")
                    .Line("path is the browser at the API, above: what a browser adds over a raw client, without the Web's server-side hop and SignalR render.")
                    .Line();
            }
            else
            {
                section.Line("What the Web adds: its own hop (Web → API over HTTP, the events parsed by the Web's client) and a Blazor render sent over the")
                    .Line("SignalR circuit. The first message of a new chat also creates the conversation and awaits two JS interop round trips (scroll,")
                    .Line("draft key) before it sends. The Web spaces the renders of a streaming answer by 60 ms; the first text used to wait behind that")
                    .Line("throttle (the \"thinking\" dots had just been rendered), ~50 ms of the next-message time above: it now renders at once.")
                    .Line();
            }

            section.Targets.Add(new TargetCheck("2 browser", "TTFT in Chromium: through the Web vs at the API, p50", "—",
                viaWeb.Count > 0 ? $"new chat {Fmt.Ms(w.P50)}, next message {Fmt.Ms(n.P50)} vs {Fmt.Ms(b.P50)} at the API" : $"at the API {Fmt.Ms(b.P50)}; Web not measured", null,
                viaWeb.Count > 0 ? "" : "(chat page not in main yet)"));
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

    private static async Task<bool> AppearsAsync(ILocator locator)
    {
        try
        {
            await locator.WaitForAsync(new LocatorWaitForOptions { Timeout = 3_000 }); // prerendered: it is in the first HTML if the page has it
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}

/// <summary>MikuCloud.Web as a process (its build output next to this repository's sources), pointed at an API.</summary>
public sealed class WebProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string uploads;

    private WebProcess(Process process, Uri address, string uploads)
    {
        this.process = process;
        this.uploads = uploads;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The Web's build output: <c>BENCH_WEB_DIR</c>, or MikuCloud.Web/bin/&lt;this build's configuration&gt;/net10.0.</summary>
    public static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("BENCH_WEB_DIR") is { Length: > 0 } dir)
        {
            return dir;
        }

        var root = BenchOptions.RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        return root is null ? null : Path.Combine(root, "MikuCloud.Web", "bin", configuration, "net10.0");
    }

    public static async Task<WebProcess?> TryStartAsync(Uri api, TextWriter log, CancellationToken cancellationToken)
    {
        var dir = Locate();
        var dll = dir is null ? null : Path.Combine(dir, "MikuCloud.Web.dll");
        if (dll is null || !File.Exists(dll))
        {
            log.WriteLine($"   no MikuCloud.Web build at {dir}");
            return null;
        }

        var projectDir = Path.GetFullPath(Path.Combine(dir!, "..", "..", ".."));
        var uploads = Path.Combine(Path.GetTempPath(), $"mikucloud-bench-uploads-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = File.Exists(Path.Combine(projectDir, "MikuCloud.Web.csproj")) ? projectDir : dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development"; // static web assets from the build output, as `dotnet run` serves them
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Api__BaseAddress"] = api.ToString();
        // The bench drives the chat without signing in (the API it talks to is single-user too).
        start.Environment["Auth__Mode"] = "SingleUser";
        start.Environment["Uploads__Path"] = uploads;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var process = Process.Start(start)!;
        BenchProcesses.Register(process.Id);
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                var at = line.IndexOf("Now listening on: ", StringComparison.Ordinal);
                if (at >= 0)
                {
                    var address = new Uri(line[(at + "Now listening on: ".Length)..].Trim());
                    _ = Task.Run(async () =>
                    {
                        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is not null)
                        {
                        }
                    }, CancellationToken.None);
                    return new WebProcess(process, address, uploads);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Fall through.
        }

        log.WriteLine("   MikuCloud.Web did not start in 60 s");
        process.Kill(entireProcessTree: true);
        BenchProcesses.Unregister(process.Id);
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        BenchProcesses.Unregister(process.Id);
        process.Dispose();
        try
        {
            Directory.Delete(uploads, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never created.
        }
    }
}
