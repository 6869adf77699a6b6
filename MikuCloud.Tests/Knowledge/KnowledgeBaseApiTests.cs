using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Knowledge;

/// <summary>Knowledge bases over HTTP: the owner's list, rename and delete; sharing is an admin's, and shared bases are read-only to others.</summary>
public class KnowledgeBaseApiTests : AccountsApiTest
{
    [Fact]
    public async Task A_user_creates_renames_and_deletes_a_knowledge_base_and_others_never_see_it()
    {
        var admin = await SetupAdminAsync();
        var bob = await AddUserAsync(admin, "bob");
        using var alice = As(admin);
        using var bobs = As(bob);

        var id = await alice.CreateBaseAsync("合同", cancellationToken: Ct);
        using (var patch = await alice.PatchAsJsonAsync($"/api/knowledge/bases/{id}", new { name = "  Contracts 2026 ", description = "signed ones" }, Ct))
        {
            var renamed = await patch.Content.ReadFromJsonAsync<JsonObject>(Ct);
            Assert.Equal(("Contracts 2026", "signed ones", true, false), (renamed!["name"]!.GetValue<string>(), renamed["description"]!.GetValue<string>(),
                renamed["mine"]!.GetValue<bool>(), renamed["shared"]!.GetValue<bool>()));
            Assert.Equal("miku-embed", renamed["embeddingModel"]!.GetValue<string>());
        }

        Assert.Single((await alice.GetFromJsonAsync<JsonArray>("/api/knowledge/bases", Ct))!);
        Assert.Empty((await bobs.GetFromJsonAsync<JsonArray>("/api/knowledge/bases", Ct))!);
        Assert.Equal(HttpStatusCode.NotFound, (await bobs.GetAsync($"/api/knowledge/bases/{id}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/knowledge/bases/{id}", Ct)).StatusCode);
        using var gone = await alice.GetAsync($"/api/knowledge/bases/{id}", Ct);
        Assert.Equal((HttpStatusCode.NotFound, ProblemCodes.KnowledgeBaseNotFound), (gone.StatusCode, await CodeOf(gone)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_base_needs_a_name(string name)
    {
        using var alice = As(await SetupAdminAsync());
        using var response = await alice.PostAsJsonAsync("/api/knowledge/bases", new { name }, Ct);
        Assert.Equal((HttpStatusCode.BadRequest, ProblemCodes.InvalidRequest), (response.StatusCode, await CodeOf(response)));
        using var tooLong = await alice.PostAsJsonAsync("/api/knowledge/bases", new { name = new string('名', 201) }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Empty((await alice.GetFromJsonAsync<JsonArray>("/api/knowledge/bases", Ct))!);
    }

    [Fact]
    public async Task Only_an_admin_shares_a_base_and_everyone_reads_it_but_only_its_owner_changes_it()
    {
        var admin = await SetupAdminAsync();
        var bob = await AddUserAsync(admin, "bob");
        using var alice = As(admin);
        using var bobs = As(bob);

        using (var refused = await bobs.PostAsJsonAsync("/api/knowledge/bases", new { name = "mine for all", shared = true }, Ct))
        {
            Assert.Equal((HttpStatusCode.Forbidden, ProblemCodes.Forbidden), (refused.StatusCode, await CodeOf(refused)));
        }

        var bobsOwn = await bobs.CreateBaseAsync("bob's notes", cancellationToken: Ct);
        using (var refused = await bobs.PatchAsJsonAsync($"/api/knowledge/bases/{bobsOwn}", new { shared = true }, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var handbook = await alice.CreateBaseAsync("Staff handbook", cancellationToken: Ct);
        using (var share = await alice.PatchAsJsonAsync($"/api/knowledge/bases/{handbook}", new { shared = true }, Ct))
        {
            Assert.True((await share.Content.ReadFromJsonAsync<JsonObject>(Ct))!["shared"]!.GetValue<bool>());
        }

        var seen = (await bobs.GetFromJsonAsync<JsonArray>("/api/knowledge/bases", Ct))!.Select(b => (b!["name"]!.GetValue<string>(), b["mine"]!.GetValue<bool>()));
        Assert.Equal([("bob's notes", true), ("Staff handbook", false)], seen.Order());
        Assert.Equal(HttpStatusCode.OK, (await bobs.GetAsync($"/api/knowledge/bases/{handbook}/documents", Ct)).StatusCode);

        // Reading is all: a write to it answers exactly like an unknown base, and changes nothing.
        using (var rename = await bobs.PatchAsJsonAsync($"/api/knowledge/bases/{handbook}", new { name = "bob's now" }, Ct))
        {
            Assert.Equal((HttpStatusCode.NotFound, ProblemCodes.KnowledgeBaseNotFound), (rename.StatusCode, await CodeOf(rename)));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await bobs.DeleteAsync($"/api/knowledge/bases/{handbook}", Ct)).StatusCode);
        using (var upload = await bobs.PostAsync($"/api/knowledge/bases/{handbook}/documents", KnowledgeClient.Files(("x.txt", "bob was here"u8.ToArray())), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        }

        var kept = await alice.GetFromJsonAsync<JsonObject>($"/api/knowledge/bases/{handbook}", Ct);
        Assert.Equal(("Staff handbook", 0), (kept!["name"]!.GetValue<string>(), kept["documents"]!.GetValue<int>()));
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresKnowledgeBaseApiTests : KnowledgeBaseApiTests
{
    protected override bool OnPostgres => true;
}
