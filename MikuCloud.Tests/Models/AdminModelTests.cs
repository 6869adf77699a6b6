using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Models;

/// <summary>
/// The admin's model operations (<c>/api/admin/models…</c>) against the fake Ollama: turning an optional model on
/// pulls and creates it with progress, off takes it out of the list users pick from, unload frees its memory,
/// re-create reads the edited Modelfile; every operation is 403 for a user who is not an admin.
/// </summary>
public class AdminModelTests : AccountsApiTest
{
    private readonly ModelCatalogFolder folder = new();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        folder.Configure(settings, enabled: "");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task Turning_an_optional_model_on_pulls_and_creates_it_with_progress_until_it_is_ready_and_users_can_pick_it()
    {
        using var admin = As(await SetupAdminAsync());
        Assert.DoesNotContain(await NamesAsync(admin, "/api/models"), n => n == "miku-text");
        var off = (await admin.GetFromJsonAsync<List<HouseModelDto>>("/api/admin/models", Ct))!.Single(m => m.Name == "miku-text");
        Assert.Equal((ModelStatus.Disabled, false), (off.Status, off.Enabled));
        api.Ollama.PullLineDelay = TimeSpan.FromMilliseconds(150);

        using var on = await admin.PutAsJsonAsync("/api/admin/models/miku-text/enabled", new { enabled = true }, Ct);
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);

        var stages = new List<string>();
        HouseModelDto text;
        do
        {
            await Task.Delay(50, Ct);
            text = (await admin.GetFromJsonAsync<List<HouseModelDto>>("/api/admin/models", Ct))!.Single(m => m.Name == "miku-text");
            stages.Add(text.Progress?.Stage ?? "");
        }
        while (text.Status != ModelStatus.Ready && stages.Count < 200);

        Assert.Equal(ModelStatus.Ready, text.Status);
        Assert.Contains(ModelProgressStage.Pulling, stages);
        Assert.Contains(stages, s => s == ModelProgressStage.Pulling && text.Progress is not null);
        Assert.Equal(ModelProgressStage.Ready, text.Progress!.Stage);
        Assert.True(api.Ollama.HasModel("miku-text"));
        Assert.Contains("miku-text", await NamesAsync(admin, "/api/models"));

        using var offAgain = await admin.PutAsJsonAsync("/api/admin/models/miku-text/enabled", new { enabled = false }, Ct);
        Assert.DoesNotContain("miku-text", await NamesAsync(admin, "/api/models"));
        using var pick = await admin.PostAsJsonAsync("/api/conversations", new { model = "miku-text" }, Ct);
        Assert.Equal(ProblemCodes.InvalidModel, await CodeAsync(pick));
    }

    [Fact]
    public async Task Unload_frees_a_loaded_model_at_once()
    {
        using var admin = As(await SetupAdminAsync());
        api.Ollama.Load("miku-vl");
        Assert.NotNull((await admin.GetFromJsonAsync<List<HouseModelDto>>("/api/admin/models", Ct))!.Single(m => m.Name == "miku-vl").Loaded);

        using var unload = await admin.PostAsync("/api/admin/models/miku-vl/unload", null, Ct);

        Assert.Equal(HttpStatusCode.NoContent, unload.StatusCode);
        Assert.False(api.Ollama.IsLoaded("miku-vl"));
        Assert.Equal(0, api.Ollama.Requests.Single(r => r.Path == "/api/generate").Body!["keep_alive"]!.GetValue<int>());
        Assert.Null((await admin.GetFromJsonAsync<List<HouseModelDto>>("/api/admin/models", Ct))!.Single(m => m.Name == "miku-vl").Loaded);
    }

    [Fact]
    public async Task Recreate_reads_the_edited_Modelfile_and_creates_the_model_anew()
    {
        using var admin = As(await SetupAdminAsync());
        var file = Path.Combine(folder.Path, "miku-vl.Modelfile");
        File.WriteAllText(file, File.ReadAllText(file).Replace("PARAMETER temperature 0.7", "PARAMETER temperature 0.3", StringComparison.Ordinal));
        api.Ollama.WithModel("qwen3-vl:8b-instruct-q4_K_M");

        using var recreate = await admin.PostAsync("/api/admin/models/miku-vl/recreate", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, recreate.StatusCode);
        for (var i = 0; i < 100 && api.Ollama.GetModel("miku-vl")?.CreateRequest is null; i++)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal("0.3", api.Ollama.GetModel("miku-vl")!.Parameters["temperature"]);
    }

    [Fact]
    public async Task After_a_recreate_the_next_answer_is_asked_with_the_edited_system_prompt_and_options_without_a_restart()
    {
        using var admin = As(await SetupAdminAsync());
        api.Ollama.WithModel("qwen3-vl:8b-instruct-q4_K_M");
        var file = Path.Combine(folder.Path, "miku-vl.Modelfile");
        var edited = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(file), "(?s)SYSTEM .*", "SYSTEM \"你是一只猫。\"");
        File.WriteAllText(file, edited + "\nPARAMETER top_k 33\n"); // an option the conversation's preset leaves to the model

        using var recreate = await admin.PostAsync("/api/admin/models/miku-vl/recreate", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, recreate.StatusCode);
        using var ask = await admin.PostAsJsonAsync("/api/conversations/messages", new { content = "你好" }, Ct);
        Assert.Equal(ChatStreamEvents.Done, (await Sse.AllAsync(ask, Ct))[^1].Name);

        var sent = api.Ollama.ChatRequests.Last();
        Assert.Equal("你是一只猫。", sent["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal(33, sent["options"]!["top_k"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_recreate_that_changes_what_the_model_is_for_is_refused_until_a_restart()
    {
        using var admin = As(await SetupAdminAsync());
        var file = Path.Combine(folder.Path, "miku-text.Modelfile");
        File.WriteAllText(file, File.ReadAllText(file).Replace("# purpose: text", "# purpose: vision", StringComparison.Ordinal));
        using var on = await admin.PutAsJsonAsync("/api/admin/models/miku-text/enabled", new { enabled = true }, Ct);

        using var recreate = await admin.PostAsync("/api/admin/models/miku-text/recreate", null, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, recreate.StatusCode);
        Assert.Contains("next start", await recreate.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_gets_403_on_every_model_operation_and_nothing_changes()
    {
        var admin = await SetupAdminAsync();
        using var rin = As(await AddUserAsync(admin, "rin"));
        api.Ollama.Load("miku-vl");

        foreach (var (method, path) in new[]
                 {
                     ("GET", "/api/admin/models"), ("POST", "/api/admin/models/miku-vl/unload"), ("POST", "/api/admin/models/miku-vl/recreate"),
                     ("PUT", "/api/admin/models/miku-text/enabled"),
                 })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { enabled = true }) };
            using var response = await rin.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(ProblemCodes.Forbidden, await CodeAsync(response));
        }

        Assert.True(api.Ollama.IsLoaded("miku-vl"));
        Assert.DoesNotContain("miku-text", await NamesAsync(rin, "/api/models"));
        Assert.DoesNotContain(api.Ollama.Paths, p => p is "/api/pull" or "/api/create" or "/api/generate");
    }

    [Fact]
    public async Task A_required_model_cannot_be_turned_off_and_an_unknown_one_is_404()
    {
        using var admin = As(await SetupAdminAsync());

        using var required = await admin.PutAsJsonAsync("/api/admin/models/miku-vl/enabled", new { enabled = false }, Ct);
        using var unknown = await admin.PostAsync("/api/admin/models/no-such-model/unload", null, Ct);

        Assert.Equal((HttpStatusCode.Conflict, ProblemCodes.ModelRequired), (required.StatusCode, await CodeAsync(required)));
        Assert.Equal((HttpStatusCode.NotFound, ProblemCodes.ModelNotFound), (unknown.StatusCode, await CodeAsync(unknown)));
    }

    private static async Task<List<string>> NamesAsync(HttpClient client, string path) =>
        [.. (await client.GetFromJsonAsync<List<HouseModelDto>>(path, Ct))!.Select(m => m.Name)];

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))?["code"]?.GetValue<string>();
}
