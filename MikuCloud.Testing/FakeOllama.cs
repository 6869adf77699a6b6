using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MikuCloud.Testing;

/// <summary>
/// An Ollama stand-in on real Kestrel (loopback), speaking the wire shapes of ../shared/ollama-wire:
/// NDJSON streams, <c>{"error": …}</c> bodies and lines, <c>name:latest</c> names. Everything it receives is
/// recorded so tests can assert what a real Ollama would have been sent.
/// </summary>
public sealed partial class FakeOllama : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ConcurrentDictionary<string, FakeModel> models = new(StringComparer.Ordinal);
    private WebApplication? app;
    private int chatCancellations;
    private int activeChats;
    private int peakActiveChats;

    /// <summary>Whether <see cref="Requests"/> records requests (the benchmarks turn it off: they send thousands).</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Chat answers being streamed right now.</summary>
    public int ActiveChats => Volatile.Read(ref activeChats);

    /// <summary>Most chat answers streamed at once since the start or the last <see cref="ResetPeakActiveChats"/>.</summary>
    public int PeakActiveChats => Volatile.Read(ref peakActiveChats);

    /// <summary>Starts measuring <see cref="PeakActiveChats"/> afresh from the chats streaming now.</summary>
    public void ResetPeakActiveChats() => Volatile.Write(ref peakActiveChats, ActiveChats);

    /// <summary>Every request: method, path and JSON body (if any), in arrival order.</summary>
    public ConcurrentQueue<(string Method, string Path, JsonObject? Body)> Requests { get; } = new();

    /// <summary>Decides the answer to each chat request (by default the wire answer, or scores for a rerank request: <see cref="FakeRerank"/>).</summary>
    public Func<JsonObject, FakeChatReply> Chat { get; set; } = FakeRerank.ReplyTo;

    /// <summary>When set, <c>/api/pull</c> fails with this message (as an error line in the stream).</summary>
    public string? PullError { get; set; }

    /// <summary>When set, <c>/api/create</c> fails with this message.</summary>
    public string? CreateError { get; set; }

    /// <summary>Delay between pull progress lines.</summary>
    public TimeSpan PullLineDelay { get; set; }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The Aspire connection string for this server.</summary>
    public string ConnectionString => $"Endpoint={Endpoint.GetLeftPart(UriPartial.Authority)}";

    /// <summary>Chat requests whose client went away before the stream ended.</summary>
    public int ChatCancellations => Volatile.Read(ref chatCancellations);

    /// <summary>Signalled each time a chat stream is cancelled by its client.</summary>
    public SemaphoreSlim ChatCancelled { get; } = new(0);

    /// <summary>The bodies of the <c>/api/chat</c> requests received, in arrival order.</summary>
    public IEnumerable<JsonObject> ChatRequests => Requests.Where(r => r.Path == "/api/chat").Select(r => r.Body!);

    /// <summary>The paths of every request received, in arrival order.</summary>
    public IEnumerable<string> Paths => Requests.Select(r => r.Path);

    /// <summary>Starts a fake on a free loopback port (or <paramref name="port"/>, to come back after a stop).</summary>
    public static async Task<FakeOllama> StartAsync(int port = 0)
    {
        var fake = new FakeOllama();
        await fake.StartOnAsync(port);
        return fake;
    }

    /// <summary>Adds a model as if pulled/created (<c>miku-vl</c> and its base, by default).</summary>
    public FakeOllama WithModel(string name, string? from = null, string? system = null, IReadOnlyDictionary<string, string>? parameters = null)
    {
        models[Normalize(name)] = new FakeModel(Normalize(name), from ?? "", system ?? "", parameters ?? new Dictionary<string, string>());
        return this;
    }

    /// <summary>Whether the fake holds <paramref name="name"/> (<c>name</c> and <c>name:latest</c> are the same model).</summary>
    public bool HasModel(string name) => models.ContainsKey(Normalize(name));

    /// <summary>The model called <paramref name="name"/>, or null when the fake does not hold it.</summary>
    public FakeModel? GetModel(string name) => models.GetValueOrDefault(Normalize(name));

    /// <summary>Starts listening on <paramref name="port"/> of 127.0.0.1 (0: a free one); <see cref="Endpoint"/> tells which.</summary>
    public async Task StartOnAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Use(async (ctx, next) =>
        {
            JsonObject? body = null;
            // Blob uploads are GGUF bytes, hashed as they stream in (FakeOllama.Blobs.cs), never JSON.
            if ((ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0) && !IsBlobRequest(ctx))
            {
                ctx.Request.EnableBuffering();
                try
                {
                    body = await JsonNode.ParseAsync(ctx.Request.Body) as JsonObject;
                }
                catch (JsonException)
                {
                    body = null;
                }

                ctx.Request.Body.Position = 0;
            }

            if (RecordRequests)
            {
                Requests.Enqueue((ctx.Request.Method, ctx.Request.Path.Value ?? "", body));
            }

            ctx.Items["body"] = body;
            await next();
        });
        MapEndpoints(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>Stops listening (as if Ollama died); <see cref="StartOnAsync"/> with the same port brings it back.</summary>
    public async Task StopAsync()
    {
        if (app is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await app.StopAsync(cts.Token);
            await app.DisposeAsync();
            app = null;
        }
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>).</summary>
    public ValueTask DisposeAsync() => new(StopAsync());

    private void MapEndpoints(WebApplication web)
    {
        web.MapGet("/", () => Results.Text("Ollama is running"));
        web.MapGet("/api/version", () => Results.Text(OllamaWire.Text("version.json"), "application/json"));
        web.MapGet("/api/tags", () => Json(new JsonObject { ["models"] = new JsonArray(models.Values.Select(m => (JsonNode)m.ToTag()).ToArray()) }));
        MapRuntimeEndpoints(web); // /api/ps, /api/show, /api/generate: FakeOllama.Runtime.cs
        web.MapPost("/api/pull", PullAsync);
        web.MapPost("/api/create", CreateAsync);
        web.MapPost("/api/chat", ChatAsync);
        MapBlobEndpoints(web);
        MapEmbedEndpoint(web);
    }

    private async Task PullAsync(HttpContext ctx)
    {
        var name = Body(ctx)?["model"]?.GetValue<string>() ?? "";
        StartNdjson(ctx);
        await Line(ctx, new JsonObject { ["status"] = "pulling manifest" });
        if (PullError is not null)
        {
            await Line(ctx, new JsonObject { ["error"] = PullError });
            return;
        }

        const long total = 5_012_341_232;
        const string digest = "sha256:0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a";
        foreach (var fraction in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
        {
            await Line(ctx, new JsonObject { ["status"] = "pulling 0b1a2f3e4d5c", ["digest"] = digest, ["total"] = total, ["completed"] = (long)(total * fraction) });
            if (PullLineDelay > TimeSpan.Zero)
            {
                await Task.Delay(PullLineDelay, ctx.RequestAborted);
            }
        }

        await Line(ctx, new JsonObject { ["status"] = "verifying sha256 digest" });
        await Line(ctx, new JsonObject { ["status"] = "writing manifest" });
        WithModel(name);
        await Line(ctx, new JsonObject { ["status"] = "success" });
    }

    private async Task CreateAsync(HttpContext ctx)
    {
        var body = Body(ctx) ?? [];
        var name = body["model"]?.GetValue<string>() ?? "";
        var from = body["from"]?.GetValue<string>() ?? "";
        StartNdjson(ctx);
        if (CreateError is not null || !HasModel(from))
        {
            await Line(ctx, new JsonObject { ["error"] = CreateError ?? $"model \"{from}\" not found, try pulling it first" });
            return;
        }

        if (!await CheckAdaptersAsync(ctx, body))
        {
            return;
        }

        foreach (var line in OllamaWire.Lines("create-stream.ndjson").Where(l => l["status"]?.GetValue<string>() != "success"))
        {
            await Line(ctx, line);
        }

        var parameters = (body["parameters"] as JsonObject ?? [])
            .ToDictionary(kv => kv.Key, kv => kv.Value is JsonArray a ? string.Join(",", a.Select(x => x!.ToString())) : kv.Value!.ToJsonString().Trim('"'));
        models[Normalize(name)] = new FakeModel(Normalize(name), from, body["system"]?.GetValue<string>() ?? "", parameters) { CreateRequest = body };
        await Line(ctx, new JsonObject { ["status"] = "success" });
    }

    private static JsonObject? Body(HttpContext ctx) => ctx.Items["body"] as JsonObject;

    private static IResult Json(JsonObject json) => Results.Text(json.ToJsonString(Compact), "application/json; charset=utf-8");

    private static IResult NotFound(string name) =>
        Results.Text(new JsonObject { ["error"] = $"model \"{name}\" not found, try pulling it first" }.ToJsonString(Compact), "application/json; charset=utf-8", statusCode: 404);

    private static void StartNdjson(HttpContext ctx)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/x-ndjson";
    }

    private static async Task Line(HttpContext ctx, JsonObject line)
    {
        await ctx.Response.WriteAsync(line.ToJsonString(Compact) + "\n", Encoding.UTF8, ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    private static string Normalize(string name) => MikuCloud.HouseModels.ModelName.Normalize(string.IsNullOrWhiteSpace(name) ? "?" : name);
}
