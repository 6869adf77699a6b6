using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// A conversation's knowledge bases over real HTTP: set on create, on the first message and by PATCH, read back with the
/// conversation, switched off with an empty list; someone else's unshared base is as unknown as a made-up id.
/// </summary>
public class ConversationKnowledgeTests : ApiTest
{
    private HttpClient client => field ??= api.CreateClient();

    [Fact]
    public async Task A_conversation_keeps_the_bases_it_is_given_and_an_empty_list_switches_knowledge_off()
    {
        var mine = await api.BaseAsync("我的合同");
        var shared = await api.BaseAsync("公司制度", KnowledgeChatSeed.Stranger, shared: true);
        using var created = await client.PostAsJsonAsync("/api/conversations", new { title = "合同问答", knowledgeBaseIds = new[] { mine } }, Ct);
        var id = (await created.Content.ReadFromJsonAsync<ConversationDto>(Ct))!.Id;

        using var patched = await client.PatchAsJsonAsync($"/api/conversations/{id}", new { knowledgeBaseIds = new[] { mine, shared, mine } }, Ct);
        var both = await client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{id}", Ct);
        var listed = await client.GetFromJsonAsync<Page<ConversationDto>>("/api/conversations", Ct);
        using var renamed = await client.PatchAsJsonAsync($"/api/conversations/{id}", new { title = "改名" }, Ct);
        using var off = await client.PatchAsJsonAsync($"/api/conversations/{id}", new { knowledgeBaseIds = Array.Empty<Guid>() }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal([mine, shared], both!.KnowledgeBaseIds);
        Assert.Equal([mine, shared], Assert.Single(listed!.Items).KnowledgeBaseIds);
        Assert.Equal([mine, shared], (await renamed.Content.ReadFromJsonAsync<ConversationDto>(Ct))!.KnowledgeBaseIds); // a rename leaves them
        Assert.Empty((await off.Content.ReadFromJsonAsync<ConversationDto>(Ct))!.KnowledgeBaseIds!);
        Assert.Equal(0, await api.WithDbAsync(db => db.ConversationKnowledge.CountAsync(k => k.ConversationId == id)));
    }

    [Fact]
    public async Task Someone_elses_unshared_base_is_refused_like_an_unknown_one_and_changes_nothing()
    {
        var mine = await api.BaseAsync("我的合同");
        var theirs = await api.BaseAsync("别人的日记", KnowledgeChatSeed.Stranger);
        var unknown = Guid.NewGuid();
        using var created = await client.PostAsJsonAsync("/api/conversations", new { knowledgeBaseIds = new[] { mine } }, Ct);
        var id = (await created.Content.ReadFromJsonAsync<ConversationDto>(Ct))!.Id;

        using var foreign = await client.PatchAsJsonAsync($"/api/conversations/{id}", new { title = "偷看", knowledgeBaseIds = new[] { theirs } }, Ct);
        using var madeUp = await client.PatchAsJsonAsync($"/api/conversations/{id}", new { title = "偷看", knowledgeBaseIds = new[] { unknown } }, Ct);
        using var start = await client.PostAsJsonAsync("/api/conversations/messages", new { content = "日记里写了什么？", knowledgeBaseIds = new[] { theirs } }, Ct);

        var foreignProblem = await foreign.Content.ReadFromJsonAsync<JsonObject>(Ct);
        var unknownProblem = await madeUp.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (foreign.StatusCode, madeUp.StatusCode, start.StatusCode));
        Assert.Equal(ProblemCodes.KnowledgeBaseNotFound, foreignProblem!["code"]!.GetValue<string>());
        unknownProblem!.Remove("traceId");
        foreignProblem.Remove("traceId");
        Assert.Equal(unknownProblem.ToJsonString().Replace(unknown.ToString(), "{id}", StringComparison.Ordinal),
            foreignProblem.ToJsonString().Replace(theirs.ToString(), "{id}", StringComparison.Ordinal));
        var after = await client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{id}", Ct);
        Assert.Equal("", after!.Title);
        Assert.Equal([mine], after.KnowledgeBaseIds);
        Assert.Equal(1, await api.WithDbAsync(db => db.Conversations.CountAsync())); // the refused first message created nothing
        Assert.Empty(api.Ollama.ChatRequests);
    }

    [Fact]
    public async Task A_multipart_first_message_names_its_bases_and_the_conversation_event_carries_them()
    {
        var contracts = await api.BaseAsync("合同");
        var invoices = await api.BaseAsync("发票");
        using var form = ChatTestExtensions.Multipart("第一份合同什么时候到期？");
        form.Add(new StringContent(contracts.ToString()), "knowledgeBaseIds");
        form.Add(new StringContent(invoices.ToString()), "knowledgeBaseIds");

        using var response = await client.PostAsync("/api/conversations/messages", form, Ct);
        var events = await Sse.AllAsync(response, Ct);

        var conversation = events[0].Data!;
        Assert.Equal("conversation", events[0].Name);
        Assert.Equal([contracts, invoices], conversation["knowledgeBaseIds"]!.AsArray().Select(n => n!.GetValue<Guid>()).Order());
        var stored = await client.GetFromJsonAsync<ConversationDto>($"/api/conversations/{conversation["id"]!.GetValue<Guid>()}", Ct);
        Assert.Equal([contracts, invoices], stored!.KnowledgeBaseIds!.Order());
    }

    [Theory]
    [InlineData("""{"knowledgeBaseIds": "not-a-list"}""")]
    [InlineData("""{"knowledgeBaseIds": ["not-an-id"]}""")]
    [InlineData("""{"knowledgeBaseIds": [42]}""")]
    public async Task A_malformed_list_of_bases_is_a_400_naming_the_field(string body)
    {
        var id = await api.NewConversationAsync();

        using var response = await client.PatchAsync($"/api/conversations/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemCodes.InvalidRequest, problem!["code"]!.GetValue<string>());
        Assert.NotNull(problem["errors"]!["knowledgeBaseIds"]);
    }
}
