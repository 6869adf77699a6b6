using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace MikuCloud.Tests.Persistence;

/// <summary>The conversation endpoints over real HTTP, the same assertions for each database provider.</summary>
public abstract class ConversationApiTests
{
    private readonly ApiFixture fixture;

    protected ConversationApiTests(ApiFixture fixture)
    {
        fixture.SkipIfUnavailable();
        this.fixture = fixture;
    }

    private HttpClient Client => fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_returns_201_with_location_and_defaults()
    {
        using var response = await Client.PostAsJsonAsync("/api/conversations", new { }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<ConversationDto>(Ct);
        Assert.NotNull(created);
        Assert.Equal($"/api/conversations/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("", created.Title);
        Assert.Equal("balanced", created.PresetId);
        Assert.Null(created.SystemPrompt);
        Assert.Null(created.Options);
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        Assert.InRange(created.CreatedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        // Timestamps are UTC on the wire, whatever the provider returns.
        var raw = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.EndsWith("Z", raw["createdAt"]!.GetValue<string>(), StringComparison.Ordinal);

        var fetched = await Client.GetFromJsonAsync<ConversationDto>(response.Headers.Location, Ct);
        Assert.Equal(Json(created), Json(fetched));
    }

    [Fact]
    public async Task Create_without_a_body_uses_the_defaults()
    {
        using var response = await Client.PostAsync("/api/conversations", null, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<ConversationDto>(Ct);
        Assert.Equal("balanced", created!.PresetId);
    }

    [Fact]
    public async Task Create_keeps_every_field_and_get_returns_them()
    {
        var request = new
        {
            title = "  部署笔记\nK8s  ",
            presetId = "Vision",
            systemPrompt = "你是一个乐于助人的助手。\nAnswer briefly.",
            options = new JsonObject { ["temperature"] = 0.2, ["top_k"] = 30, ["stop"] = new JsonArray("<|end|>") },
        };
        using var response = await Client.PostAsJsonAsync("/api/conversations", request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var fetched = await Client.GetFromJsonAsync<ConversationDto>(response.Headers.Location, Ct);

        Assert.Equal("部署笔记 K8s", fetched!.Title); // trimmed, line break as a space
        Assert.Equal("vision", fetched.PresetId); // the catalog's id
        Assert.Equal(request.systemPrompt, fetched.SystemPrompt);
        Assert.Equal(0.2, fetched.Options!["temperature"]!.GetValue<double>());
        Assert.Equal(30, fetched.Options["top_k"]!.GetValue<long>());
        Assert.Equal("<|end|>", fetched.Options["stop"]![0]!.GetValue<string>());
    }

    public static TheoryData<string, string> InvalidCreateBodies => new()
    {
        { """{"presetId":"turbo"}""", "presetId" },
        { $$"""{"title":"{{new string('标', 201)}}"}""", "title" },
        { $$"""{"systemPrompt":"{{new string('x', 20_001)}}"}""", "systemPrompt" },
        { """{"options":{"num_gpu":99}}""", "options.num_gpu" },
        { """{"options":{"temperature":"hot"}}""", "options.temperature" },
        { """{"options":{"temperature":7}}""", "options.temperature" },
        { """{"options":[1,2]}""", "options" },
        { """{"title":5}""", "title" },
        { """[1,2,3]""", "body" },
        { """{"title": "unterminated""", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidCreateBodies))]
    public async Task Create_rejects_bad_input_with_validation_problems(string body, string field)
    {
        using var before = await Client.GetAsync("/api/conversations?limit=200", Ct);
        var countBefore = (await before.Content.ReadFromJsonAsync<Page<ConversationDto>>(Ct))!.Items.Count;

        using var response = await Client.PostAsync("/api/conversations", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        await Problems.AssertValidationAsync(response, field);
        using var after = await Client.GetAsync("/api/conversations?limit=200", Ct);
        Assert.Equal(countBefore, (await after.Content.ReadFromJsonAsync<Page<ConversationDto>>(Ct))!.Items.Count);
    }

    [Fact]
    public async Task Create_with_a_non_json_body_is_415()
    {
        using var response = await Client.PostAsync("/api/conversations", new StringContent("title=x", Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_present()
    {
        var created = await CreateAsync(new { title = "draft", presetId = "precise", systemPrompt = "Be terse.", options = new { temperature = 0.4 } });

        var renamed = await PatchAsync(created.Id, """{"title":"final"}""");

        Assert.Equal("final", renamed.Title);
        Assert.Equal("precise", renamed.PresetId);
        Assert.Equal("Be terse.", renamed.SystemPrompt);
        Assert.Equal(0.4, renamed.Options!["temperature"]!.GetValue<double>());
        Assert.Equal(created.CreatedAt, renamed.CreatedAt);
        Assert.True(renamed.UpdatedAt > created.UpdatedAt);

        var changed = await PatchAsync(created.Id, """{"presetId":"creative","options":{"seed":42}}""");
        Assert.Equal("final", changed.Title);
        Assert.Equal("creative", changed.PresetId);
        Assert.Equal("""{"seed":42}""", changed.Options!.ToJsonString()); // options are replaced as a whole

        var reset = await PatchAsync(created.Id, """{"systemPrompt":null,"options":null,"presetId":null}""");
        Assert.Equal("final", reset.Title);
        Assert.Null(reset.SystemPrompt);
        Assert.Null(reset.Options);
        Assert.Equal("balanced", reset.PresetId);

        Assert.Equal(Json(reset), Json(await Client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{created.Id}", Ct)));
    }

    [Fact]
    public async Task Patch_with_bad_input_changes_nothing()
    {
        var created = await CreateAsync(new { title = "keep me" });

        using var response = await Client.PatchAsync($"/api/conversations/{created.Id}",
            new StringContent("""{"title":"new","presetId":"nope"}""", Encoding.UTF8, "application/json"), Ct);
        await Problems.AssertValidationAsync(response, "presetId");

        using var empty = await Client.PatchAsync($"/api/conversations/{created.Id}", new StringContent("", Encoding.UTF8, "application/json"), Ct);
        await Problems.AssertValidationAsync(empty, "body");

        Assert.Equal("keep me", (await Client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{created.Id}", Ct))!.Title);
    }

    [Fact]
    public async Task Delete_removes_the_conversation_its_messages_and_images()
    {
        var created = await CreateAsync(new { title = "to delete" });
        var messages = await Seed.MessagesAsync(fixture.Api, created.Id, 6, imageEvery: 1);
        var image = messages.SelectMany(m => m.Images).First();
        using (var before = await Client.GetAsync($"/api/images/{image.Id}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var deleted = await Client.DeleteAsync($"/api/conversations/{created.Id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Problems.AssertProblemAsync(await Client.GetAsync($"/api/conversations/{created.Id}", Ct), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await Client.GetAsync($"/api/conversations/{created.Id}/messages", Ct), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await Client.GetAsync($"/api/images/{image.Id}", Ct), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await Client.DeleteAsync($"/api/conversations/{created.Id}", Ct), HttpStatusCode.NotFound);
        var ids = messages.Select(m => m.Id).ToList();
        Assert.Equal(0, await fixture.Api.WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == created.Id, Ct)));
        Assert.Equal(0, await fixture.Api.WithDbAsync(db => db.Images.CountAsync(i => ids.Contains(i.MessageId), Ct)));
    }

    [Theory]
    [InlineData("GET", "/api/conversations/{unknown}")]
    [InlineData("PATCH", "/api/conversations/{unknown}")]
    [InlineData("DELETE", "/api/conversations/{unknown}")]
    [InlineData("GET", "/api/conversations/{unknown}/messages")]
    [InlineData("GET", "/api/conversations/{unknown}/export?format=md")]
    [InlineData("GET", "/api/images/{unknown}")]
    [InlineData("GET", "/api/conversations/not-a-guid")]
    [InlineData("PATCH", "/api/conversations/12345")]
    [InlineData("DELETE", "/api/conversations/abc")]
    [InlineData("GET", "/api/conversations/not-a-guid/messages")]
    [InlineData("GET", "/api/conversations/not-a-guid/export")]
    [InlineData("GET", "/api/images/not-a-guid")]
    [InlineData("GET", "/api/images/{unknown}x")]
    public async Task Unknown_and_malformed_ids_are_404_problems(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{unknown}", Guid.NewGuid().ToString(), StringComparison.Ordinal));
        if (method == "PATCH")
        {
            request.Content = new StringContent("""{"title":"x"}""", Encoding.UTF8, "application/json");
        }

        using var response = await Client.SendAsync(request, Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_finds_titles_case_insensitively_in_any_script()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var k8s = await CreateAsync(new { title = $"{tag} Kubernetes 集群部署日志" });
        var ecole = await CreateAsync(new { title = $"{tag} ÉCOLE Straße" });
        var percent = await CreateAsync(new { title = $"{tag} 100% done_right" });
        await CreateAsync(new { title = $"{tag} recipes" });

        Assert.Equal([k8s.Id], await SearchAsync($"{tag} KUBERNETES"));
        Assert.Equal([k8s.Id], await SearchAsync("集群部署日志"));
        Assert.Equal([ecole.Id], await SearchAsync($"{tag} école"));
        Assert.Equal([percent.Id], await SearchAsync("0% done_r")); // LIKE wildcards are plain text
        Assert.Equal(4, (await SearchAsync(tag)).Count);
        Assert.Empty(await SearchAsync($"{tag} nothing like this"));

        using var tooLong = await Client.GetAsync($"/api/conversations?q={new string('q', 201)}", Ct);
        await Problems.AssertValidationAsync(tooLong, "q");
    }

    [Fact]
    public async Task Messages_page_newest_first_with_newest_last_and_cursors_back_to_the_start()
    {
        var created = await CreateAsync(new { title = "long chat" });
        await Seed.MessagesAsync(fixture.Api, created.Id, 250, imageEvery: 5);

        var first = await MessagesAsync(created.Id, "");
        Assert.Equal(50, first.Items.Count);
        Assert.Equal(Enumerable.Range(201, 50).Select(n => $"message {n}"), first.Items.Select(m => m.Content)); // newest last
        Assert.NotNull(first.NextCursor);

        var seen = new List<string>(first.Items.Select(m => m.Content));
        var cursor = first.NextCursor;
        var pages = 1;
        while (cursor is not null)
        {
            var page = await MessagesAsync(created.Id, $"?limit=60&before={Uri.EscapeDataString(cursor)}");
            Assert.InRange(page.Items.Count, 1, 60);
            seen.InsertRange(0, page.Items.Select(m => m.Content));
            cursor = page.NextCursor;
            pages++;
        }

        Assert.Equal(1 + 4, pages); // 50 + 60 + 60 + 60 + 20
        Assert.Equal(Enumerable.Range(1, 250).Select(n => $"message {n}"), seen);

        Assert.Equal(first.Items.Select(m => m.Id), (await MessagesAsync(created.Id, "?before=&limit=")).Items.Select(m => m.Id));

        var all = await MessagesAsync(created.Id, "?limit=200");
        Assert.Equal(200, all.Items.Count);
        Assert.Equal("message 51", all.Items[0].Content);
        var last = await MessagesAsync(created.Id, $"?limit=200&before={Uri.EscapeDataString(all.NextCursor!)}");
        Assert.Equal(50, last.Items.Count);
        Assert.Null(last.NextCursor);
    }

    [Fact]
    public async Task Messages_carry_images_stats_and_errors()
    {
        var created = await CreateAsync(new { title = "with images" });
        var seeded = await Seed.MessagesAsync(fixture.Api, created.Id, 6, imageEvery: 5);

        var page = await MessagesAsync(created.Id, "");

        Assert.Equal(6, page.Items.Count);
        Assert.Null(page.NextCursor);
        var user = page.Items.Single(m => m.Content == "message 5");
        Assert.Equal(MessageRole.User, user.Role);
        Assert.Equal(seeded[4].Images.Select(i => i.Id), user.Images.Select(i => i.Id));
        var jpeg = user.Images[0];
        Assert.Equal($"/api/images/{jpeg.Id}", jpeg.Url);
        Assert.Equal(("image/jpeg", 320, 256, 64L, 80, "jpeg", 4032, 3024, 3_000_000L),
            (jpeg.MediaType, jpeg.Width, jpeg.Height, jpeg.Bytes, jpeg.VisualTokens, jpeg.SourceFormat, jpeg.OriginalWidth, jpeg.OriginalHeight, jpeg.OriginalBytes));
        Assert.Equal(96, user.Images[1].Bytes);
        Assert.Null(user.Usage);
        Assert.Null(user.Timings);

        var answer = page.Items.Single(m => m.Content == "message 6");
        Assert.Equal((MessageStatus.Complete, "stop", "miku-vl", "balanced"), (answer.Status, answer.FinishReason, answer.Model, answer.PresetId));
        Assert.Equal(new UsageDto(106, 20), answer.Usage);
        Assert.Equal(new TimingsDto(120, 2_500, 42, null), answer.Timings);
        Assert.Null(answer.Error);
        Assert.Equal(answer.CreatedAt.AddSeconds(2.5), answer.CompletedAt);
        Assert.Empty(answer.Images);
    }

    public static TheoryData<string, string> BadMessageQueries => new()
    {
        { "?limit=0", "limit" },
        { "?limit=201", "limit" },
        { "?limit=ten", "limit" },
        { "?limit=-5", "limit" },
        { "?before=garbage!", "before" },
        { "?before=YzE6MTox", "before" }, // base64url of "c1:1:1": a conversation-style cursor is not a message cursor
    };

    [Theory]
    [MemberData(nameof(BadMessageQueries))]
    public async Task Message_paging_rejects_bad_limits_and_cursors(string query, string field)
    {
        var created = await CreateAsync(new { });

        using var response = await Client.GetAsync($"/api/conversations/{created.Id}/messages{query}", Ct);

        await Problems.AssertValidationAsync(response, field);
    }

    [Fact]
    public async Task An_empty_conversation_has_an_empty_first_page()
    {
        var created = await CreateAsync(new { });

        var page = await MessagesAsync(created.Id, "");

        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Image_is_served_with_its_type_nosniff_inline_and_a_long_private_cache()
    {
        var created = await CreateAsync(new { });
        var image = (await Seed.MessagesAsync(fixture.Api, created.Id, 1, imageEvery: 1))[0].Images[1];

        using var response = await Client.GetAsync($"/api/images/{image.Id}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(image.Data, await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Private);
        Assert.True(cache.MaxAge >= TimeSpan.FromDays(30));
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/images/{image.Id}");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await Client.SendAsync(conditional, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(Ct));

        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/api/images/{image.Id}");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        using var full = await Client.SendAsync(stale, Ct);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
    }

    [Fact]
    public async Task Markdown_export_has_the_title_turns_images_and_stats_and_a_safe_filename()
    {
        var created = await CreateAsync(new { title = "部署笔记：K8s/GPU?", systemPrompt = "用中文回答。" });
        var messages = await Seed.MessagesAsync(fixture.Api, created.Id, 4, imageEvery: 3);

        using var response = await Client.GetAsync($"/api/conversations/{created.Id}/export?format=md", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("部署笔记：K8s GPU.md", disposition.FileNameStar);
        Assert.Equal("K8s GPU.md", disposition.FileName); // ASCII fallback for old clients
        var raw = string.Join(", ", response.Content.Headers.GetValues("Content-Disposition"));
        Assert.Contains("attachment; filename=\"K8s GPU.md\"; ", raw, StringComparison.Ordinal);
        Assert.Contains("filename*=UTF-8''%E9%83%A8%E7%BD%B2", raw, StringComparison.Ordinal);

        var md = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("# 部署笔记：K8s/GPU?\n", md.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("> 用中文回答。", md, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(md, "## User"));
        Assert.Equal(2, CountOf(md, "## Assistant"));
        Assert.True(md.IndexOf("message 1", StringComparison.Ordinal) < md.IndexOf("message 2", StringComparison.Ordinal));
        var image = messages[2].Images[0];
        Assert.Contains($"![image 1 (320×256)](/api/images/{image.Id})", md, StringComparison.Ordinal);
        Assert.Contains("*miku-vl · balanced · 102 → 20 tokens · first token 120 ms · 42.0 tokens/s · 2.5 s*", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_export_has_the_conversation_and_every_message_as_dtos()
    {
        var created = await CreateAsync(new { title = "json export" });
        await Seed.MessagesAsync(fixture.Api, created.Id, 120, imageEvery: 7);

        using var response = await Client.GetAsync($"/api/conversations/{created.Id}/export?format=json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("json export.json", response.Content.Headers.ContentDisposition!.FileNameStar);
        var export = await response.Content.ReadFromJsonAsync<ConversationExportDto>(Ct);
        Assert.Equal("mikucloud.conversation.v1", export!.Format);
        // The conversation as created, now with its chosen branch ending at the last message.
        Assert.Equal(Json(created with { CurrentMessageId = export.Messages[^1].Id }), Json(export.Conversation));
        Assert.Equal(Enumerable.Range(1, 120).Select(n => $"message {n}"), export.Messages.Select(m => m.Content));
        Assert.All(export.Messages.SelectMany(m => m.Images), i => Assert.Equal($"/api/images/{i.Id}", i.Url));
        Assert.Equal(2 * 9, export.Messages.Sum(m => m.Images.Count)); // user messages 7, 21, …, 119
    }

    [Fact]
    public async Task Export_of_an_untitled_conversation_is_named_after_its_id_and_unknown_formats_are_400()
    {
        var created = await CreateAsync(new { });

        using var response = await Client.GetAsync($"/api/conversations/{created.Id}/export", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"mikucloud-chat-{created.Id.ToString("N")[..8]}.md", response.Content.Headers.ContentDisposition!.FileName);
        Assert.Null(response.Content.Headers.ContentDisposition.FileNameStar);
        Assert.StartsWith("# New chat", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var pdf = await Client.GetAsync($"/api/conversations/{created.Id}/export?format=pdf", Ct);
        await Problems.AssertValidationAsync(pdf, "format");
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_all_succeed()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var work = Enumerable.Range(0, 24).Select(async i =>
        {
            if (i % 3 == 0)
            {
                using var list = await Client.GetAsync("/api/conversations?limit=20", Ct);
                return list.StatusCode;
            }

            using var created = await Client.PostAsJsonAsync("/api/conversations", new { title = $"{tag} {i}" }, Ct);
            var dto = await created.Content.ReadFromJsonAsync<ConversationDto>(Ct);
            using var patched = await Client.PatchAsync($"/api/conversations/{dto!.Id}",
                new StringContent($$"""{"title":"{{tag}} {{i}} renamed"}""", Encoding.UTF8, "application/json"), Ct);
            return patched.StatusCode;
        });

        var statuses = await Task.WhenAll(work);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(16, (await SearchAsync($"{tag} ")).Count);
    }

    [Fact]
    public async Task OpenApi_documents_the_endpoints_with_summaries()
    {
        var document = JsonNode.Parse(await Client.GetStringAsync("/openapi/v1.json", Ct))!;
        var paths = document["paths"]!.AsObject();

        foreach (var (path, method) in new[]
                 {
                     ("/api/conversations", "post"), ("/api/conversations", "get"), ("/api/conversations/{id}", "get"),
                     ("/api/conversations/{id}", "patch"), ("/api/conversations/{id}", "delete"),
                     ("/api/conversations/{id}/messages", "get"), ("/api/conversations/{id}/export", "get"), ("/api/images/{id}", "get"),
                 })
        {
            var operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method} {path} is not documented");
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
        }

        var limit = paths["/api/conversations"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "limit")!;
        Assert.Equal("integer", limit["schema"]!["type"]!.GetValue<string>());
        Assert.Equal(50, limit["schema"]!["default"]!.GetValue<int>());
    }

    private async Task<ConversationDto> CreateAsync(object request)
    {
        using var response = await Client.PostAsJsonAsync("/api/conversations", request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ConversationDto>(Ct))!;
    }

    private async Task<ConversationDto> PatchAsync(Guid id, string json)
    {
        using var response = await Client.PatchAsync($"/api/conversations/{id}", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ConversationDto>(Ct))!;
    }

    private async Task<List<Guid>> SearchAsync(string q)
    {
        var page = await Client.GetFromJsonAsync<Page<ConversationDto>>($"/api/conversations?limit=200&q={Uri.EscapeDataString(q)}", Ct);
        return page!.Items.Select(c => c.Id).ToList();
    }

    private async Task<Page<MessageDto>> MessagesAsync(Guid id, string query)
    {
        using var response = await Client.GetAsync($"/api/conversations/{id}/messages{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Page<MessageDto>>(Ct))!;
    }

    private static int CountOf(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}

public sealed class SqliteConversationApiTests(SqliteApiFixture fixture) : ConversationApiTests(fixture), IClassFixture<SqliteApiFixture>;

public sealed class PostgresConversationApiTests(PostgresApiFixture fixture) : ConversationApiTests(fixture), IClassFixture<PostgresApiFixture>;
