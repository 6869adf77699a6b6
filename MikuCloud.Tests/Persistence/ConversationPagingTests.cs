using System.Net;
using System.Net.Http.Json;
using System.Text;
using MikuCloud.Api.Data;

namespace MikuCloud.Tests.Persistence;

/// <summary>The sidebar list over 120 conversations (own database per class: it counts everything).</summary>
public abstract class ConversationPagingTests
{
    private readonly ApiFixture fixture;

    protected ConversationPagingTests(ApiFixture fixture)
    {
        fixture.SkipIfUnavailable();
        this.fixture = fixture;
    }

    private HttpClient Client => fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_pages_through_120_conversations_most_recently_updated_first()
    {
        // Three conversations share each timestamp, so the id must break ties for the cursor to be exact.
        var seeded = Enumerable.Range(0, 120)
            .Select(i => new Conversation
            {
                Id = Guid.NewGuid(),
                Title = $"chat {i}",
                PresetId = "balanced",
                CreatedAt = Seed.Start,
                UpdatedAt = Seed.Start.AddMinutes(i / 3).AddTicks(i / 3 * 10), // sub-microsecond ticks are not stored
            })
            .ToList();
        await fixture.Api.WithDbAsync(async db =>
        {
            db.Conversations.AddRange(seeded);
            return await db.SaveChangesAsync(Ct);
        });

        var first = await ListAsync("");
        Assert.Equal(50, first.Items.Count);
        Assert.NotNull(first.NextCursor);
        var second = await ListAsync($"?cursor={Uri.EscapeDataString(first.NextCursor)}");
        Assert.Equal(50, second.Items.Count);
        var third = await ListAsync($"?cursor={Uri.EscapeDataString(second.NextCursor!)}");
        Assert.Equal(20, third.Items.Count);
        Assert.Null(third.NextCursor);

        var listed = first.Items.Concat(second.Items).Concat(third.Items).ToList();
        Assert.Equal(120, listed.Select(c => c.Id).Distinct().Count());
        Assert.Equal(seeded.Select(c => c.Id).ToHashSet(), listed.Select(c => c.Id).ToHashSet());
        for (var i = 1; i < listed.Count; i++)
        {
            Assert.True(listed[i - 1].UpdatedAt >= listed[i].UpdatedAt, $"item {i} is newer than item {i - 1}");
        }

        Assert.Equal(["chat 119", "chat 118", "chat 117"], first.Items.Take(3).Select(c => c.Title).Order().Reverse());

        var whole = await ListAsync("?limit=200");
        Assert.Equal(listed.Select(c => c.Id), whole.Items.Select(c => c.Id)); // same order in one page
        Assert.Null(whole.NextCursor);

        // Empty parameters mean "absent" (a client may send ?cursor= for the first page).
        Assert.Equal(first.Items.Select(c => c.Id), (await ListAsync("?cursor=&limit=")).Items.Select(c => c.Id));

        var small = await ListAsync("?limit=1");
        Assert.Single(small.Items);
        Assert.Equal(listed[0].Id, small.Items[0].Id);

        // A cursor is a position, not an offset: activity between pages neither repeats nor skips items.
        using (var created = await Client.PostAsJsonAsync("/api/conversations", new { title = "brand new" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var again = await ListAsync($"?cursor={Uri.EscapeDataString(first.NextCursor)}");
        Assert.Equal(second.Items.Select(c => c.Id), again.Items.Select(c => c.Id));
        Assert.Equal("brand new", (await ListAsync("?limit=1")).Items[0].Title);

        // Renaming an old conversation moves it to the top.
        var oldest = listed[^1];
        using (var renamed = await Client.PatchAsync($"/api/conversations/{oldest.Id}", new StringContent("""{"title":"renamed"}""", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        }

        Assert.Equal(oldest.Id, (await ListAsync("?limit=1")).Items[0].Id);
    }

    public static TheoryData<string, string> BadQueries => new()
    {
        { "?limit=0", "limit" },
        { "?limit=201", "limit" },
        { "?limit=1.5", "limit" },
        { "?cursor=not-a-cursor", "cursor" },
        { "?cursor=bTE6MTI", "cursor" }, // base64url of "m1:12": a message cursor
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task List_rejects_bad_limits_and_cursors(string query, string field)
    {
        using var response = await Client.GetAsync($"/api/conversations{query}", Ct);

        await Problems.AssertValidationAsync(response, field);
    }

    private async Task<Page<ConversationDto>> ListAsync(string query)
    {
        using var response = await Client.GetAsync($"/api/conversations{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Page<ConversationDto>>(Ct))!;
    }
}

public sealed class SqliteConversationPagingTests(SqliteApiFixture fixture) : ConversationPagingTests(fixture), IClassFixture<SqliteApiFixture>;

public sealed class PostgresConversationPagingTests(PostgresApiFixture fixture) : ConversationPagingTests(fixture), IClassFixture<PostgresApiFixture>;
