using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MikuCloud.Api.Chat;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Security;

/// <summary>
/// Every operation in the API's own OpenAPI document, called with another user's ids: it must answer exactly as for
/// an unknown id (404; 403 for admin-only operations) and change nothing. New endpoints join the sweep automatically;
/// one with a body or a path parameter the sweep cannot fill fails the test until it is taught.
/// </summary>
public class IdorSweepTests : AccountsApiTest
{
    /// <summary>Valid bodies, so a refusal is about ownership and not about a malformed request.</summary>
    private static readonly Dictionary<string, Func<HttpContent>> Bodies = new(StringComparer.Ordinal)
    {
        ["PATCH /api/conversations/{id}"] = () => JsonContent.Create(new { title = "owned by B now" }),
        ["POST /api/conversations/{id}/messages"] = () => ChatTestExtensions.Multipart("what did A say?", ("a.jpg", TestImages.SolidJpeg(64, 64, TestImages.Red))),
        ["POST /api/conversations/{id}/messages/{messageId}/regenerate"] = () => JsonContent.Create(new { }),
        ["PUT /api/conversations/{id}/branch"] = () => JsonContent.Create(new { messageId = Guid.NewGuid() }),
        ["PATCH /api/admin/users/{id}"] = () => JsonContent.Create(new { disabled = true }),
        ["POST /api/batches/{id}/items"] = () => Batches.BatchTestData.Form(new Dictionary<string, string>(), Batches.BatchTestData.Images(1)),
        ["POST /api/admin/users/{id}/password"] = () => JsonContent.Create(new { newPassword = "taken over!!" }),
        ["PUT /api/admin/models/{name}/enabled"] = () => JsonContent.Create(new { enabled = false }),
        ["PATCH /api/knowledge/bases/{id}"] = () => JsonContent.Create(new { name = "bob's now" }),
        ["POST /api/knowledge/bases/{id}/documents"] = () => Knowledge.KnowledgeClient.Files(("bob.txt", "planted by bob"u8.ToArray())),
    };

    [Fact]
    public async Task Another_users_ids_answer_like_unknown_ones_on_every_documented_operation()
    {
        var admin = await SetupAdminAsync("alice");
        var bob = await AddUserAsync(admin, "bob");
        var carol = await AddUserAsync(admin, "carol", role: "admin");
        using var alice = As(admin);

        // Alice's data: a conversation with a picture and an answer, and an API key.
        var conversation = await CreateConversationAsync(alice, "alice's diary");
        using (var send = await alice.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversation}/messages")
        {
            Content = ChatTestExtensions.Multipart("看这张图", ("cat.jpg", TestImages.SolidJpeg(320, 240, TestImages.Blue))),
        }, Ct))
        {
            Assert.Contains(await Sse.AllAsync(send, Ct), e => e.Name == "done");
        }

        var messages = await api.MessagesAsync(Guid.Parse(conversation));
        var ids = new Dictionary<string, string>
        {
            ["conversation"] = conversation,
            ["message"] = messages.Last().Id.ToString(),
            ["image"] = messages.First().Images.Single().Id.ToString(),
            ["user"] = admin.User.Id,
        };
        using (var key = await alice.PostAsJsonAsync("/api/keys", new { name = "alice's script" }, Ct))
        {
            ids["key"] = (await key.Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!.Id.ToString();
        }

        // And a batch, kept as a draft (nothing runs while the sweep counts model calls), with one item.
        var batch = await Batches.BatchClient.CreateBatchAsync(alice, "alice's photos", Batches.BatchTestData.Images(1), new() { ["start"] = "false" }, Ct);
        ids["batch"] = batch["batch"]!["id"]!.GetValue<string>();
        ids["batchItem"] = batch["added"]![0]!["id"]!.GetValue<string>();

        // And a knowledge base with a document read to its end: a page and a passage to open.
        // Its chunk ids start high: the answers are compared with ids blanked out, and a first chunk's id of 1 would blank
        // every "1" of a body (rfc9110 in each problem's type) but not in the made-up id's answer.
        await api.WithDbAsync(db => db.Database.ProviderName!.Contains("Npgsql", StringComparison.Ordinal)
            ? db.Database.ExecuteSqlRawAsync("""SELECT setval(pg_get_serial_sequence('"KnowledgeChunks"', 'Id'), 7340000000)""", Ct)
            : db.Database.ExecuteSqlRawAsync("INSERT INTO sqlite_sequence (name, seq) VALUES ('KnowledgeChunks', 7340000000)", Ct));
        var knowledgeBase = await Knowledge.KnowledgeClient.CreateBaseAsync(alice, "alice's notes", cancellationToken: Ct);
        var document = await Knowledge.KnowledgeClient.AddDocumentAsync(alice, knowledgeBase, "diary.md", "# 日记\n\n今天很开心。"u8.ToArray(), Ct);
        Assert.Equal("ready", (await Knowledge.KnowledgeClient.WaitFinishedAsync(alice, document, TimeSpan.FromSeconds(30), Ct))["status"]!.GetValue<string>());
        ids["knowledgeBase"] = knowledgeBase.ToString();
        ids["knowledgeDocument"] = document.ToString();
        ids["chunk"] = (await api.WithDbAsync(db => db.KnowledgeChunks.Where(c => c.DocumentId == document).Select(c => c.Id).FirstAsync(Ct))).ToString(CultureInfo.InvariantCulture);

        var unknownIds = ids.ToDictionary(kv => kv.Key, kv => kv.Key switch
        {
            "user" => Guid.NewGuid().ToString("N"),
            "chunk" => Random.Shared.NextInt64(1L << 40, 1L << 50).ToString(CultureInfo.InvariantCulture), // a number, as chunk ids are
            _ => Guid.NewGuid().ToString(),
        });

        // While the sweep runs, Alice is reading an answer streaming in that very conversation: nothing Bob or Carol
        // sends may stop it, count it or touch it (a DELETE of her id once cancelled it before answering 404).
        var finishAlicesAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["还在", "回答"], FinishWhen = finishAlicesAnswer.Task };
        using var streaming = await alice.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversation}/messages")
        {
            Content = JsonContent.Create(new { content = "慢慢说" }),
        }, HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var alicesEvents = Sse.ReadAsync(streaming, cancellationToken: Ct).GetAsyncEnumerator(Ct);
        var aliceSaw = new List<string>();
        while (await alicesEvents.MoveNextAsync() && alicesEvents.Current.Name != "delta")
        {
            aliceSaw.Add(alicesEvents.Current.Name);
        }

        aliceSaw.Add(alicesEvents.Current.Name);
        Assert.Equal(["user", "delta"], aliceSaw);
        using var chatRequests = new MetricCollector<long>(api.Services.GetRequiredService<IMeterFactory>(), ChatTelemetry.Name, "mikucloud.chat.requests");
        using var rejections = new MetricCollector<long>(api.Services.GetRequiredService<IMeterFactory>(), ChatTelemetry.Name, "mikucloud.chat.rejections");
        var chatsBefore = api.Ollama.ChatRequests.Count();
        var operations = await OperationsAsync();
        Assert.True(operations.Count >= 20, $"only {operations.Count} operations found in the document");
        var swept = 0;
        foreach (var (caller, callerName, isAdmin) in new[] { (As(bob), "bob", false), (As(carol), "carol (an admin)", true) })
        {
            using (caller)
            {
                foreach (var (method, path) in operations.Where(o => o.Path.Contains('{', StringComparison.Ordinal)))
                {
                    if (path.StartsWith("/v1/models/", StringComparison.Ordinal))
                    {
                        continue; // the model catalog is the same for every user: an id in it is nobody's
                    }

                    var adminOnly = path.StartsWith("/api/admin/", StringComparison.Ordinal);
                    if (adminOnly && isAdmin)
                    {
                        continue; // managing accounts is what admins are for; reading conversations is not
                    }

                    using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path, ids));
                    if (Bodies.TryGetValue($"{method} {path}", out var body))
                    {
                        request.Content = body();
                    }

                    using var response = await caller.SendAsync(request, Ct);
                    var expected = adminOnly ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;
                    var answer = await response.Content.ReadAsStringAsync(Ct);
                    Assert.True(response.StatusCode == expected, $"{callerName}: {method} {path} answered {(int)response.StatusCode} {answer}");

                    // Word for word what a made-up id gets: nothing tells "exists but not yours" from "does not exist".
                    using var unknownRequest = new HttpRequestMessage(new HttpMethod(method), Fill(path, unknownIds));
                    if (Bodies.TryGetValue($"{method} {path}", out var unknownBody))
                    {
                        unknownRequest.Content = unknownBody();
                    }

                    using var unknown = await caller.SendAsync(unknownRequest, Ct);
                    Assert.Equal(unknown.StatusCode, response.StatusCode);
                    Assert.Equal(WithoutVolatile(await unknown.Content.ReadAsStringAsync(Ct), unknownIds), WithoutVolatile(answer, ids));
                    swept++;
                }

                // Lists show only the caller's own things.
                var list = await caller.GetFromJsonAsync<JsonObject>("/api/conversations", Ct);
                Assert.Empty(list!["items"]!.AsArray());
                Assert.Empty((await caller.GetFromJsonAsync<JsonArray>("/api/keys", Ct))!);
                Assert.Empty((await caller.GetFromJsonAsync<JsonObject>("/api/batches", Ct))!["items"]!.AsArray());
                Assert.Empty((await caller.GetFromJsonAsync<JsonArray>("/api/knowledge/bases", Ct))!);
                var stats = await caller.GetFromJsonAsync<JsonObject>("/api/stats?window=24h", Ct);
                Assert.DoesNotContain("\"requests\":1", stats!.ToJsonString(), StringComparison.Ordinal);
            }
        }

        Assert.True(swept >= 10, $"only {swept} calls with ids");
        // Nothing changed: no model call on Alice's conversation, no chat counted or refused for it, her answer still
        // streaming and then finishing as if nobody else had been there, her title, messages, key and account intact.
        Assert.Equal(chatsBefore, api.Ollama.ChatRequests.Count());
        Assert.Empty(chatRequests.GetMeasurementSnapshot());
        Assert.Empty(rejections.GetMeasurementSnapshot());
        Assert.Equal(0, api.Ollama.ChatCancellations);
        finishAlicesAnswer.SetResult();
        var rest = new List<SseEvent>();
        while (await alicesEvents.MoveNextAsync())
        {
            rest.Add(alicesEvents.Current);
        }

        Assert.Equal(["delta", "done"], rest.Select(e => e.Name));
        Assert.Equal("complete", rest[^1].Data!["status"]!.GetValue<string>());
        Assert.Equal("还在回答", rest[^1].Data!["content"]!.GetValue<string>());
        var after = await api.MessagesAsync(Guid.Parse(conversation));
        Assert.Equal(messages.Select(m => (m.Id, m.Content)), after.Take(messages.Count).Select(m => (m.Id, m.Content)));
        Assert.Equal([("慢慢说", MessageStatus.Complete), ("还在回答", MessageStatus.Complete)], after.Skip(messages.Count).Select(m => (m.Content, m.Status)));
        var conv = await alice.GetFromJsonAsync<JsonObject>($"/api/conversations/{conversation}", Ct);
        Assert.Equal("alice's diary", conv!["title"]!.GetValue<string>());
        Assert.Null(await api.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == Guid.Parse(ids["key"])).Select(k => k.RevokedAt).SingleAsync(Ct)));
        Assert.False(await api.WithDbAsync(db => db.Users.Where(u => u.Id == admin.User.Id).Select(u => u.Disabled).SingleAsync(Ct)));
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/images/{ids["image"]}", Ct)).StatusCode);
        var alicesBatch = await alice.GetFromJsonAsync<JsonObject>($"/api/batches/{ids["batch"]}", Ct);
        Assert.Equal(("draft", 1, 1), (alicesBatch!["status"]!.GetValue<string>(), alicesBatch["total"]!.GetValue<int>(), alicesBatch["queued"]!.GetValue<int>()));
        var alicesBase = await alice.GetFromJsonAsync<JsonObject>($"/api/knowledge/bases/{knowledgeBase}", Ct);
        Assert.Equal(("alice's notes", 1, 1), (alicesBase!["name"]!.GetValue<string>(), alicesBase["documents"]!.GetValue<int>(), alicesBase["readyDocuments"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/knowledge/chunks/{ids["chunk"]}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Every_documented_operation_refuses_anonymous_callers()
    {
        await SetupAdminAsync();
        var ids = new Dictionary<string, string>
        {
            ["conversation"] = Guid.NewGuid().ToString(), ["message"] = Guid.NewGuid().ToString(), ["image"] = Guid.NewGuid().ToString(),
            ["user"] = "someone", ["key"] = Guid.NewGuid().ToString(), ["batch"] = Guid.NewGuid().ToString(), ["batchItem"] = Guid.NewGuid().ToString(),
            ["knowledgeBase"] = Guid.NewGuid().ToString(), ["knowledgeDocument"] = Guid.NewGuid().ToString(), ["chunk"] = "1",
        };
        using var anonymous = Anonymous();
        var operations = await OperationsAsync();
        foreach (var (method, path) in operations)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path, ids));
            if (Bodies.TryGetValue($"{method} {path}", out var body))
            {
                request.Content = body();
            }

            using var response = await anonymous.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} to an anonymous caller");
            Assert.Equal(ProblemCodes.Unauthenticated, await CodeOf(response));
        }

        // The document says how to authenticate (scripts and the Scalar UI read it).
        var doc = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json", Ct))!;
        Assert.Equal("bearer", doc["components"]!["securitySchemes"]!["apiKey"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(doc["security"]![0]!["apiKey"]);

        // What stays public: probes and the contract itself.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json", Ct)).StatusCode);
    }

    /// <summary>The documented operations; each one with an id in its path and a body must have a valid body here.</summary>
    private async Task<List<(string Method, string Path)>> OperationsAsync()
    {
        using var anonymous = Anonymous();
        var operations = await OpenApiOperations.ReadAsync(anonymous, Ct);
        foreach (var operation in operations)
        {
            Assert.True(!operation.HasBody || Bodies.ContainsKey(operation.ToString()) || !operation.Path.Contains('{', StringComparison.Ordinal),
                $"Teach the sweep a valid body for {operation}.");
        }

        return operations.Select(o => (o.Method, o.Path)).ToList();
    }

    /// <summary>A problem body without what differs by nature: the trace id and the ids themselves.</summary>
    private static string WithoutVolatile(string body, Dictionary<string, string> ids)
    {
        var node = body.Length > 0 ? JsonNode.Parse(body) as JsonObject : null;
        node?.Remove("traceId");
        var text = node?.ToJsonString() ?? body;
        return ids.Values.Aggregate(text, (t, id) => t.Replace(id, "{id}", StringComparison.OrdinalIgnoreCase));
    }

    private static string Fill(string path, Dictionary<string, string> ids) => OpenApiOperations.Fill(path, ids);
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresIdorSweepTests : IdorSweepTests
{
    protected override bool OnPostgres => true;
}
