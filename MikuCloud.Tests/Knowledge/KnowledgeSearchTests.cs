using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// <c>POST /api/knowledge/search</c> and the index behind it, on each database: what a passage says about itself, whose
/// bases are searched, documents not ready, re-indexing and removal, full text without the embedding model, bad input.
/// </summary>
public abstract class KnowledgeSearchTests(KnowledgeApiFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient client => fixture.Client;

    [Fact]
    public async Task A_passage_found_says_which_document_page_and_section_it_comes_from()
    {
        fixture.SkipIfUnavailable();
        var passages = await client.SearchAsync("刹车片什么时候更换", [fixture.CorpusBase], top: 3, cancellationToken: Ct);

        var best = passages[0];
        Assert.Equal(("电动车说明书.md", 2, "二 刹车"), (best.DocumentName, best.Page, best.Heading));
        Assert.Contains("更换刹车片", best.Text, StringComparison.Ordinal);
        Assert.Equal((fixture.CorpusBase, fixture.CorpusDocuments["电动车说明书.md"]), (best.BaseId, best.DocumentId));
        Assert.True(passages.Count <= 3);
        Assert.Equal(passages.OrderByDescending(p => p.Score).Select(p => p.ChunkId), passages.Select(p => p.ChunkId));
    }

    [Fact]
    public async Task Another_accounts_private_base_answers_like_an_unknown_one_and_its_passages_never_appear()
    {
        fixture.SkipIfUnavailable();
        var theirs = await KnowledgeSeed.BaseAsync(fixture.Api, "their notes", owner: "someone-else");
        await KnowledgeSeed.DocumentAsync(fixture.Api, theirs, "secret.txt", KnowledgeSeed.Pages("The vault combination is zebra quartz 7741."), cancellationToken: Ct);

        using var named = await client.PostAsJsonAsync("/api/knowledge/search", new KnowledgeSearchRequest("vault combination", [theirs]), Ct);
        var unknownId = Guid.NewGuid();
        using var unknown = await client.PostAsJsonAsync("/api/knowledge/search", new KnowledgeSearchRequest("vault combination", [unknownId]), Ct);
        var everything = await client.SearchAsync("vault combination zebra quartz", top: 50, cancellationToken: Ct);

        var (namedProblem, unknownProblem) = (await named.Content.ReadFromJsonAsync<JsonObject>(Ct), await unknown.Content.ReadFromJsonAsync<JsonObject>(Ct));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (named.StatusCode, unknown.StatusCode));
        Assert.Equal(ProblemCodes.KnowledgeBaseNotFound, namedProblem!["code"]!.GetValue<string>());
        Assert.Equal(Detail(unknownProblem, unknownId), Detail(namedProblem, theirs));
        Assert.DoesNotContain(everything, p => p.BaseId == theirs || p.Text.Contains("zebra", StringComparison.Ordinal));

        static string Detail(JsonObject? problem, Guid id) => problem!["detail"]!.GetValue<string>().Replace(id.ToString(), "{id}", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shared_base_of_another_account_is_searched_with_the_callers_own()
    {
        fixture.SkipIfUnavailable();
        var shared = await KnowledgeSeed.BaseAsync(fixture.Api, "company wiki", owner: "admin-someone", shared: true);
        var document = await KnowledgeSeed.DocumentAsync(fixture.Api, shared, "wiki.md", KnowledgeSeed.Pages("The cafeteria serves dumplings every Thursday."), cancellationToken: Ct);

        var passages = await client.SearchAsync("which day are dumplings served", top: 3, cancellationToken: Ct);

        Assert.True((document, shared) == (passages[0].DocumentId, passages[0].BaseId), string.Join(" | ", passages.Select(p => p.Text)));
    }

    [Fact]
    public async Task Only_ready_documents_are_searched()
    {
        fixture.SkipIfUnavailable();
        var mine = await KnowledgeSeed.BaseAsync(fixture.Api, "in progress");
        await KnowledgeSeed.DocumentAsync(fixture.Api, mine, "half.txt", KnowledgeSeed.Pages("Platypus venom spurs are on the hind legs."),
            KnowledgeDocumentStatus.Indexing, Ct);
        var ready = await KnowledgeSeed.DocumentAsync(fixture.Api, mine, "done.txt", KnowledgeSeed.Pages("Platypus eggs hatch after ten days."), cancellationToken: Ct);

        var passages = await client.SearchAsync("platypus", [mine], top: 10, cancellationToken: Ct);

        Assert.Equal([ready], passages.Select(p => p.DocumentId));
    }

    [Fact]
    public async Task Writing_a_document_again_replaces_its_passages_and_removing_it_leaves_nothing_to_find()
    {
        fixture.SkipIfUnavailable();
        var mine = await KnowledgeSeed.BaseAsync(fixture.Api, "rewritten");
        var document = await KnowledgeSeed.DocumentAsync(fixture.Api, mine, "v1.txt", KnowledgeSeed.Pages("Marmalade recipe: oranges, sugar, lemons."), cancellationToken: Ct);
        Assert.NotEmpty(await client.SearchAsync("marmalade oranges", [mine], cancellationToken: Ct));

        await using (var scope = fixture.Api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            var doc = await db.KnowledgeDocuments.SingleAsync(d => d.Id == document, Ct);
            await scope.ServiceProvider.GetRequiredService<KnowledgeIndexWriter>().WriteAsync(db, doc,
                KnowledgeSeed.Pages("Chutney recipe: mangoes, vinegar, chilli.", "Keep chutney in sterilised jars."), Ct);
        }

        // Vectors always have a nearest passage: what matters is that the old text is gone.
        Assert.DoesNotContain(await client.SearchAsync("marmalade oranges lemons", [mine], cancellationToken: Ct), p => p.Text.Contains("Marmalade", StringComparison.Ordinal));
        var rewritten = await client.SearchAsync("chutney mangoes", [mine], cancellationToken: Ct);
        Assert.Equal(["Chutney recipe: mangoes, vinegar, chilli.", "Keep chutney in sterilised jars."], rewritten.Select(p => p.Text));
        Assert.Equal(0, await FullTextRowsAsync("marmalade"));
        Assert.Equal(2, await fixture.Api.WithDbAsync(db => db.KnowledgeDocuments.Where(d => d.Id == document).Select(d => d.ChunkCount).SingleAsync(Ct)));

        await using (var scope = fixture.Api.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<KnowledgeIndexWriter>().RemoveAsync(scope.ServiceProvider.GetRequiredService<ChatDbContext>(), document, Ct);
        }

        Assert.Empty(await client.SearchAsync("chutney mangoes jars", [mine], cancellationToken: Ct));
        Assert.Equal(0, await fixture.Api.WithDbAsync(db => db.KnowledgeChunks.CountAsync(c => c.DocumentId == document, Ct)));
        Assert.Equal(0, await FullTextRowsAsync("chutney"));
    }

    [Fact]
    public async Task Without_the_embedding_model_passages_are_saved_without_vectors_and_full_text_still_finds_them()
    {
        fixture.SkipIfUnavailable();
        var embeds = fixture.Api.Ollama.IsEmbeddingModel;
        fixture.Api.Ollama.IsEmbeddingModel = _ => false;
        try
        {
            var mine = await KnowledgeSeed.BaseAsync(fixture.Api, "no vectors");
            var document = await KnowledgeSeed.DocumentAsync(fixture.Api, mine, "tea.txt", KnowledgeSeed.Pages("龙井茶用八十度的水冲泡。", "Oolong is rolled."), cancellationToken: Ct);

            var passages = await client.SearchAsync("龙井怎么泡", [mine], cancellationToken: Ct);

            Assert.Equal("龙井茶用八十度的水冲泡。", passages[0].Text);
            Assert.Equal(0, await fixture.Api.WithDbAsync(db => db.KnowledgeChunks.CountAsync(c => c.DocumentId == document && c.Vector != null, Ct)));
        }
        finally
        {
            fixture.Api.Ollama.IsEmbeddingModel = embeds;
        }
    }

    [Fact]
    public async Task Among_many_matches_a_passage_with_two_of_the_words_comes_before_one_repeating_a_single_word()
    {
        fixture.SkipIfUnavailable();
        var embeds = fixture.Api.Ollama.IsEmbeddingModel;
        fixture.Api.Ollama.IsEmbeddingModel = _ => false; // the words' ranking alone
        try
        {
            var meadows = await KnowledgeSeed.BaseAsync(fixture.Api, "meadows");
            string[] texts = ["Edelweiss edelweiss edelweiss edelweiss edelweiss edelweiss.",
                .. Enumerable.Range(1, 60).Select(i => $"Meadow {i}: edelweiss grows beside gentian on limestone slopes.")];
            await KnowledgeSeed.DocumentAsync(fixture.Api, meadows, "flora.txt", KnowledgeSeed.Pages(texts), cancellationToken: Ct);

            var passages = await client.SearchAsync("edelweiss gentian", [meadows], cancellationToken: Ct);

            Assert.Equal(5, passages.Count);
            Assert.All(passages, p => Assert.Contains("gentian", p.Text, StringComparison.Ordinal));
        }
        finally
        {
            fixture.Api.Ollama.IsEmbeddingModel = embeds;
        }
    }

    [Theory]
    [InlineData("{}", "query")]
    [InlineData("{\"query\":\"   \"}", "query")]
    [InlineData("{\"query\":\"tea\",\"top\":0}", "top")]
    [InlineData("{\"query\":\"tea\",\"top\":51}", "top")]
    public async Task A_search_the_api_cannot_run_is_a_coded_problem_naming_the_field(string body, string field)
    {
        fixture.SkipIfUnavailable();
        using var response = await client.PostAsync("/api/knowledge/search", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemCodes.InvalidRequest, problem!["code"]!.GetValue<string>());
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task A_query_that_is_too_long_or_names_too_many_bases_is_refused()
    {
        fixture.SkipIfUnavailable();
        using var longQuery = await client.PostAsJsonAsync("/api/knowledge/search", new KnowledgeSearchRequest(new string('茶', 2_001)), Ct);
        using var manyBases = await client.PostAsJsonAsync("/api/knowledge/search",
            new KnowledgeSearchRequest("tea", [.. Enumerable.Range(0, 101).Select(_ => Guid.NewGuid())]), Ct);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (longQuery.StatusCode, manyBases.StatusCode));
        Assert.NotNull((await manyBases.Content.ReadFromJsonAsync<JsonObject>(Ct))!["errors"]!["baseIds"]);
    }

    /// <summary>Rows the database's full-text index still has for a word (SQLite: the FTS5 table; PostgreSQL: the tsvector).</summary>
    private Task<int> FullTextRowsAsync(string word) => fixture.Api.WithDbAsync(async db =>
        db.Database.IsNpgsql()
            ? await db.Database.SqlQueryRaw<int>("""SELECT count(*)::int AS "Value" FROM "KnowledgeChunks" WHERE "SearchVector" @@ to_tsquery('simple', {0})""", word).SingleAsync(Ct)
            : await db.Database.SqlQueryRaw<int>("""SELECT count(*) AS "Value" FROM "KnowledgeChunkSearch" WHERE "KnowledgeChunkSearch" MATCH {0}""", word).SingleAsync(Ct));
}

public sealed class SqliteKnowledgeSearchTests(SqliteKnowledgeFixture fixture) : KnowledgeSearchTests(fixture), IClassFixture<SqliteKnowledgeFixture>;

public sealed class PostgresKnowledgeSearchTests(PostgresKnowledgeFixture fixture) : KnowledgeSearchTests(fixture), IClassFixture<PostgresKnowledgeFixture>;
