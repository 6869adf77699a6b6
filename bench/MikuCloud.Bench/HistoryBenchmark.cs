using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using MikuCloud.Api.Images;
using MikuCloud.Api.Models;
using MikuCloud.HouseModels;
using MikuCloud.Testing;

namespace MikuCloud.Bench;

/// <summary>
/// Item 4: a conversation of 2,000 messages (some with images) in a fresh SQLite file: opening it (first page of
/// <c>GET …/messages</c>), paging back to the start, and building the prompt for the next turn with the chat path's
/// own code (<see cref="PromptHistory"/> + <see cref="PromptBuilder"/> + the image-bytes query).
/// </summary>
public sealed class HistoryBenchmark(BenchOptions options, TextWriter log)
{
    private int MessageCount => options.Scale == BenchScale.Smoke ? 200 : 2000;

    public async Task<Section> RunAsync(CancellationToken cancellationToken)
    {
        var section = new Section($"4. Long histories: a conversation of {MessageCount:N0} messages");
        var iterations = options.Scale switch { BenchScale.Full => 40, BenchScale.Quick => 15, _ => 2 };
        var walks = options.Scale switch { BenchScale.Full => 3, _ => 1 };
        var turns = options.Scale switch { BenchScale.Full => 10, BenchScale.Quick => 4, _ => 1 };
        var dbPath = Path.Combine(Path.GetTempPath(), $"mikucloud-bench-history-{Guid.NewGuid():N}.db");
        await using var fake = await FakeOllama.StartAsync();
        fake.WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M");
        fake.RecordRequests = false;
        fake.Chat = _ => ChatStreams.Reply(8, TimeSpan.Zero);
        try
        {
            // In-process: the prompt-building steps are called through the API's own services.
            await using var api = InProcessApiHost.Start(new ApiHostSettings(fake.ConnectionString, dbPath, new Dictionary<string, string?>()));
            using var http = ChatStreams.NewClient(api.BaseAddress);
            var services = api.Services!;

            var seeded = Stopwatch.GetTimestamp();
            var (conversationId, imageCount, withImages, contentChars) = await SeedAsync(services, cancellationToken);
            var fileBytes = new FileInfo(dbPath).Length + (File.Exists(dbPath + "-wal") ? new FileInfo(dbPath + "-wal").Length : 0);
            log.WriteLine($"   seeded {MessageCount} messages, {imageCount} images in {Clock.MsSince(seeded) / 1000:0.0} s ({Fmt.Bytes(fileBytes)})");

            if (Environment.GetEnvironmentVariable("BENCH_SQL") == "1") // diagnostics: the history query and its plan
            {
                await using var s0 = services.CreateAsyncScope();
                var d0 = s0.ServiceProvider.GetRequiredService<ChatDbContext>();
                var q0 = d0.Messages.AsNoTracking()
                    .Where(m => m.ConversationId == conversationId && m.Seq < long.MaxValue
                                && (m.Role == MessageRole.User || m.Status == MessageStatus.Complete || m.Status == MessageStatus.Truncated))
                    .OrderBy(m => m.Seq)
                    .Select(m => new { m.Role, m.Content, Images = m.Images.OrderBy(i => i.Ordinal).Select(i => new PromptImage(i.Id, i.VisualTokens)).ToList() });
                var sql = q0.ToQueryString();
                log.WriteLine(sql);
                var conn = d0.Database.GetDbConnection();
                await conn.OpenAsync(cancellationToken);
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "EXPLAIN QUERY PLAN " + sql[(sql.IndexOf("SELECT", StringComparison.Ordinal))..].Replace("@__conversationId_0", "'" + conversationId.ToString().ToUpperInvariant() + "'").Replace("@__p_1", "9223372036854775807");
                log.WriteLine(cmd.CommandText);
                await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        log.WriteLine($"plan: {reader.GetValue(3)}");
                    }
                }

                foreach (var variant in new[]
                {
                    "SELECT count(*) FROM Messages WHERE ConversationId = $c",
                    "SELECT Role, length(Content) FROM Messages WHERE ConversationId = $c ORDER BY Seq",
                    "SELECT Role, Content FROM Messages WHERE ConversationId = $c ORDER BY Seq",
                    "SELECT Id, Role, Content FROM Messages WHERE ConversationId = $c ORDER BY Seq",
                })
                {
                    for (var round = 0; round < 3; round++)
                    {
                        var t = Stopwatch.GetTimestamp();
                        using var c2 = conn.CreateCommand();
                        c2.CommandText = variant;
                        var p = c2.CreateParameter();
                        p.ParameterName = "$c";
                        p.Value = conversationId.ToString().ToUpperInvariant();
                        c2.Parameters.Add(p);
                        var n = 0L;
                        await using (var r2 = await c2.ExecuteReaderAsync(cancellationToken))
                        {
                            while (await r2.ReadAsync(cancellationToken))
                            {
                                for (var f = 0; f < r2.FieldCount; f++)
                                {
                                    n += r2.GetValue(f) is string str ? str.Length : 1;
                                }
                            }
                        }

                        log.WriteLine($"{Clock.MsSince(t),8:0.00} ms  n={n}  {variant}");
                    }
                }

                for (var round = 0; round < 3; round++)
                {
                    var t = Stopwatch.GetTimestamp();
                    var rows = await d0.Messages.AsNoTracking()
                        .Where(m => m.ConversationId == conversationId && m.Seq < long.MaxValue
                                    && (m.Role == MessageRole.User || m.Status == MessageStatus.Complete || m.Status == MessageStatus.Truncated))
                        .OrderBy(m => m.Seq)
                        .Select(m => new { m.Id, m.Role, m.Content })
                        .ToListAsync(cancellationToken);
                    log.WriteLine($"{Clock.MsSince(t),8:0.00} ms  EF messages {rows.Count}");
                    t = Stopwatch.GetTimestamp();
                    var rows2 = await d0.Messages.AsNoTracking()
                        .Where(m => m.ConversationId == conversationId)
                        .Select(m => new { m.Id, m.Role, m.Content })
                        .ToListAsync(cancellationToken);
                    log.WriteLine($"{Clock.MsSince(t),8:0.00} ms  EF messages, conversation filter only {rows2.Count}");
                    t = Stopwatch.GetTimestamp();
                    var imgq = d0.Images.AsNoTracking()
                        .Where(i => i.Message!.ConversationId == conversationId && i.Message.Seq < long.MaxValue)
                        .OrderBy(i => i.Ordinal)
                        .Select(i => new { i.MessageId, i.Id, i.VisualTokens });
                    var imgs = await imgq.ToListAsync(cancellationToken);
                    log.WriteLine($"{Clock.MsSince(t),8:0.00} ms  EF images {imgs.Count}");
                    if (round == 0)
                    {
                        log.WriteLine(imgq.ToQueryString());
                    }
                }

                for (var round = 0; round < 6; round++)
                {
                    if (round == 3 && Environment.GetEnvironmentVariable("BENCH_SQL_INDEX") == "1")
                    {
                        using var ix = conn.CreateCommand();
                        ix.CommandText = "CREATE INDEX IX_Test ON Images (MessageId, Ordinal, Id, VisualTokens);";
                        await ix.ExecuteNonQueryAsync(cancellationToken);
                        log.WriteLine("covering index created");
                    }

                    var t = Stopwatch.GetTimestamp();
                    var h = await PromptHistory.LoadAsync(d0, conversationId, await LeafAsync(d0, conversationId, cancellationToken), cancellationToken);
                    log.WriteLine($"{Clock.MsSince(t),8:0.00} ms  PromptHistory.LoadAsync {h.Count}");
                }
            }

            // 1. Opening the conversation: the first (newest) page.
            var firstPage = new List<double>();
            var firstPageBytes = 0L;
            for (var i = 0; i < iterations + 3; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"/api/conversations/{conversationId}/messages", cancellationToken);
                var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var ms = Clock.MsSince(started);
                response.EnsureSuccessStatusCode();
                firstPageBytes = payload.Length;
                if (i >= 3)
                {
                    firstPage.Add(ms);
                }
            }

            // 2. Paging back to the first message.
            var pageTimes = new List<double>();
            var walkTimes = new List<double>();
            var pages = 0;
            var messagesSeen = 0;
            for (var walk = 0; walk < walks; walk++)
            {
                var walkStarted = Stopwatch.GetTimestamp();
                string? cursor = null;
                pages = 0;
                messagesSeen = 0;
                do
                {
                    var started = Stopwatch.GetTimestamp();
                    var url = $"/api/conversations/{conversationId}/messages" + (cursor is null ? "" : $"?before={Uri.EscapeDataString(cursor)}");
                    using var response = await http.GetAsync(url, cancellationToken);
                    response.EnsureSuccessStatusCode();
                    using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
                    pageTimes.Add(Clock.MsSince(started));
                    messagesSeen += json.RootElement.GetProperty("items").GetArrayLength();
                    cursor = json.RootElement.TryGetProperty("nextCursor", out var nextCursor) && nextCursor.ValueKind == JsonValueKind.String ? nextCursor.GetString() : null;
                    pages++;
                }
                while (cursor is not null);
                walkTimes.Add(Clock.MsSince(walkStarted));
            }

            if (messagesSeen != MessageCount)
            {
                section.Failures.Add($"history: paging back saw {messagesSeen} messages, not {MessageCount}");
            }

            // 3. Building the prompt for the next turn, step by step, as TurnEngine does.
            var catalog = services.GetRequiredService<HouseModelCatalog>();
            var endpoint = services.GetRequiredService<OllamaEndpoint>();
            var model = catalog.FindModel(endpoint.Model) ?? catalog.DefaultModel;
            var generation = GenerationOptions.Merge(model, catalog.DefaultPreset);
            var (numCtx, numPredict) = (GenerationOptions.NumCtx(generation), GenerationOptions.NumPredict(generation));
            var builder = services.GetRequiredService<PromptBuilder>();
            var next = new PromptTurn(MessageRole.User, "继续，把上面的内容总结成三点。 Continue: summarise the above in three points.", []);
            var (query, build, images, total) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            PromptPlan plan = null!;
            List<PromptTurn> history = [];
            for (var i = 0; i < iterations + 3; i++)
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
                // A turn has the conversation (with its chosen leaf) already: the history query is what is timed.
                var leaf = await LeafAsync(db, conversationId, cancellationToken);
                var t0 = Stopwatch.GetTimestamp();
                history = await PromptHistory.LoadAsync(db, conversationId, leaf, cancellationToken);
                var t1 = Stopwatch.GetTimestamp();
                plan = builder.Build(model.Modelfile.System, history, next, numCtx, numPredict);
                var t2 = Stopwatch.GetTimestamp();
                // The image bytes for the images that fit (TurnStore.ImageBytesAsync's query, for history images).
                var ids = plan.Turns.SelectMany(t => t.Images).Select(x => x.Id).ToHashSet();
                var bytes = ids.Count == 0 ? [] : await db.Images.AsNoTracking().Where(x => ids.Contains(x.Id))
                    .Select(x => new { x.Id, x.MediaType, x.Data }).ToDictionaryAsync(x => x.Id, cancellationToken);
                var t3 = Stopwatch.GetTimestamp();
                if (i >= 3)
                {
                    query.Add(Clock.Ms(t0, t1));
                    build.Add(Clock.Ms(t1, t2));
                    images.Add(Clock.Ms(t2, t3));
                    total.Add(Clock.Ms(t0, t3));
                }
            }

            // 4. A whole turn in this conversation vs in an empty one (time to first token through the API).
            var body = ChatStreams.MessageBody("继续。 Go on.");
            var longTtft = new List<double>();
            var emptyTtft = new List<double>();
            for (var i = 0; i < turns + 1; i++)
            {
                var fresh = await ChatStreams.CreateConversationAsync(http, cancellationToken);
                var inEmpty = await ChatStreams.ApiAsync(http, fresh, body, null, cancellationToken);
                var inLong = await ChatStreams.ApiAsync(http, conversationId, body, null, cancellationToken);
                if (!inEmpty.Done || !inLong.Done)
                {
                    section.Failures.Add($"history: a turn failed: {inEmpty.Error ?? inLong.Error}");
                    break;
                }

                if (i > 0)
                {
                    emptyTtft.Add(inEmpty.TtftMs);
                    longTtft.Add(inLong.TtftMs);
                }
            }

            var first = Summary.Of(firstPage);
            var page = Summary.Of(pageTimes);
            var (q, b, im, all) = (Summary.Of(query), Summary.Of(build), Summary.Of(images), Summary.Of(total));
            var keptTurns = plan.Turns.Count - 1;
            var keptImages = plan.Turns.Sum(t => t.Images.Count);
            section.Line($"A conversation of {MessageCount:N0} messages (user and assistant alternating, {contentChars / MessageCount:N0} characters on average, Chinese and")
                .Line($"English, {imageCount} images on {withImages} user messages, each a real processed photo of ~150 KB; {Fmt.Bytes(fileBytes)} of SQLite) written")
                .Line("straight into a fresh database, then read through the API on Kestrel (in-process, HTTP on loopback). Default page size (50).")
                .Line();
            section.Table(["operation", "p50", "p90", "p99", "max", "notes"],
            [
                ["open the conversation: first page `GET …/messages`", Fmt.Ms(first.P50), Fmt.Ms(first.P90), Fmt.Ms(first.P99), Fmt.Ms(first.Max), $"{iterations} requests, {Fmt.Bytes(firstPageBytes)} of JSON"],
                ["page back (`before=` cursor), per page", Fmt.Ms(page.P50), Fmt.Ms(page.P90), Fmt.Ms(page.P99), Fmt.Ms(page.Max), $"{pages} pages to the first message, whole walk p50 {Fmt.Ms(Summary.Of(walkTimes).P50)}"],
                ["prompt: history query (`PromptHistory.LoadAsync`)", Fmt.Ms(q.P50), Fmt.Ms(q.P90), Fmt.Ms(q.P99), Fmt.Ms(q.Max), $"{history.Count:N0} turns with image metadata, no bytes"],
                ["prompt: `PromptBuilder.Build`", Fmt.Ms(b.P50), Fmt.Ms(b.P90), Fmt.Ms(b.P99), Fmt.Ms(b.Max), $"num_ctx {numCtx:N0}, num_predict {numPredict:N0}: kept {keptTurns} turns and {keptImages} images, dropped {plan.TurnsDropped:N0} turns, omitted {plan.ImagesOmitted} images"],
                ["prompt: image bytes of the kept images", Fmt.Ms(im.P50), Fmt.Ms(im.P90), Fmt.Ms(im.P99), Fmt.Ms(im.Max), ""],
                ["**prompt for the next turn, all three**", Fmt.Ms(all.P50), Fmt.Ms(all.P90), Fmt.Ms(all.P99), Fmt.Ms(all.Max), $"{iterations} builds, each in a fresh scope as a request has"],
            ]);
            section.Table(["whole turn through the API", "TTFT p50", "TTFT max", "added by the long history"],
            [
                ["in an empty conversation", Fmt.Ms(Summary.Of(emptyTtft).P50), Fmt.Ms(Summary.Of(emptyTtft).Max), ""],
                [$"in the {MessageCount:N0}-message conversation", Fmt.Ms(Summary.Of(longTtft).P50), Fmt.Ms(Summary.Of(longTtft).Max), Fmt.SignedMs(Summary.Of(longTtft).P50 - Summary.Of(emptyTtft).P50)],
            ]);

            section.Targets.Add(new TargetCheck("4 history", $"first page of a {MessageCount:N0}-message conversation, p50", "≤ 50 ms", $"{Fmt.Ms(first.P50)} (p99 {Fmt.Ms(first.P99)})", first.P50 <= 50));
            section.Targets.Add(new TargetCheck("4 history", "prompt build for the next turn (query + builder + image bytes), p50", "≤ 20 ms", $"{Fmt.Ms(all.P50)} (p99 {Fmt.Ms(all.P99)})", all.P50 <= 20));
            section.Targets.Add(new TargetCheck("4 history", "paging back, per page, p50", "—", Fmt.Ms(page.P50), null));
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

    /// <summary>Writes the conversation straight into the database; returns its id, images, messages with images and total characters.</summary>
    /// <summary>The last message of the conversation's chosen branch.</summary>
    private static Task<Guid?> LeafAsync(ChatDbContext db, Guid conversationId, CancellationToken cancellationToken) =>
        db.Conversations.Where(c => c.Id == conversationId).Select(c => c.CurrentMessageId).SingleAsync(cancellationToken);

    private async Task<(Guid Id, int Images, int WithImages, long Characters)> SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var pipeline = services.GetRequiredService<ImagePipeline>();
        var photos = new[] { pipeline.Process(Photos.PhoneJpeg(1800, 1350, 1, seed: 11)), pipeline.Process(Photos.PhoneJpeg(1350, 1800, 1, seed: 12)) };
        var random = new Random(2026);
        var start = new DateTime(2026, 1, 1, 8, 0, 0, DateTimeKind.Utc);
        var conversation = new Conversation
        {
            Id = Guid.NewGuid(),
            Title = "长对话 · A long conversation",
            PresetId = "balanced",
            CreatedAt = start,
            UpdatedAt = start.AddSeconds(MessageCount * 30),
            LastSeq = MessageCount,
        };
        var messages = new List<Message>(MessageCount);
        var images = 0;
        var withImages = 0;
        long characters = 0;
        for (var seq = 1; seq <= MessageCount; seq++)
        {
            var user = seq % 2 == 1;
            var created = start.AddSeconds(seq * 30);
            var message = new Message
            {
                Id = Guid.NewGuid(),
                ConversationId = conversation.Id,
                Seq = seq,
                Role = user ? MessageRole.User : MessageRole.Assistant,
                Content = user ? Question(random) : Answer(random),
                Status = MessageStatus.Complete,
                PresetId = "balanced",
                CreatedAt = created,
                CompletedAt = created,
                ParentId = messages.Count > 0 ? messages[^1].Id : null,
            };
            characters += message.Content.Length;
            if (!user)
            {
                (message.FinishReason, message.Model, message.InputTokens, message.OutputTokens) = ("stop", "miku-vl", 900 + seq, 300);
                (message.TimeToFirstTokenMs, message.TotalMs, message.OutputTokensPerSecond) = (180, 5200, 61.5);
            }
            else if (seq % 20 == 1)
            {
                var count = seq % 100 == 1 ? 2 : 1;
                withImages++;
                for (var i = 0; i < count; i++)
                {
                    var p = photos[(seq / 20 + i) % photos.Length];
                    message.Images.Add(new StoredImage
                    {
                        Id = Guid.NewGuid(), MessageId = message.Id, Ordinal = i, MediaType = p.MediaType, Data = p.Data, Width = p.Width, Height = p.Height,
                        VisualTokens = p.VisualTokens, SourceFormat = "jpeg", OriginalWidth = p.OriginalWidth, OriginalHeight = p.OriginalHeight,
                        OriginalBytes = p.OriginalBytes, CreatedAt = created,
                    });
                    images++;
                }
            }

            messages.Add(message);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        conversation.CurrentMessageId = messages[^1].Id;
        db.Conversations.Add(conversation);
        db.Messages.AddRange(messages);
        await db.SaveChangesAsync(cancellationToken);
        return (conversation.Id, images, withImages, characters);
    }

    private static readonly string[] Questions =
    [
        "这张图片里有什么？请详细描述。", "What is in this picture? Describe it in detail.", "帮我把这段话翻译成英文：今天天气很好，我们去公园散步吧。",
        "Can you explain how attention works in a transformer, briefly?", "图里的猫是什么品种？", "写一首关于初音未来的短诗。",
        "Summarise the previous answer in three bullet points.", "这个表格里第三行的数字加起来是多少？", "Why does my C# async method deadlock when I call .Result?",
        "请给出 bbox_2d 坐标，标出图中所有的人。",
    ];

    private static readonly string[] Sentences =
    [
        "图片中是一只橘色的猫，趴在窗台上晒太阳。", "它的眼睛半闭着，看起来非常放松。", "背景里可以看到几盆绿植和一扇打开的窗户。",
        "The lighting suggests late afternoon, with warm sunlight coming from the left.", "从毛色和体型来看，它很可能是一只中华田园猫。",
        "Attention lets each token weigh every other token when building its representation.", "这是一个常见的问题，原因在于同步上下文被阻塞了。",
        "Use `await` all the way down instead of blocking on `.Result` or `.Wait()`.", "总结如下：", "- 第一点：保持简洁。", "- 第二点：先给结论，再给理由。",
        "```csharp\nvar answer = await client.GetStringAsync(url);\n```", "如果还有其他问题，欢迎继续提问！", "In short, the model sees the image as a grid of visual tokens.",
    ];

    private static string Question(Random random) => Questions[random.Next(Questions.Length)] + (random.Next(3) == 0 ? " " + Questions[random.Next(Questions.Length)] : "");

    private static string Answer(Random random)
    {
        var text = new StringBuilder();
        var count = random.Next(4, 24);
        for (var i = 0; i < count; i++)
        {
            text.Append(Sentences[random.Next(Sentences.Length)]).Append(random.Next(4) == 0 ? "\n\n" : " ");
        }

        return text.ToString().Trim();
    }
}
