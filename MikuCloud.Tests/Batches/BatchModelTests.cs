using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Models;

namespace MikuCloud.Tests.Batches;

/// <summary>A batch names the vision model that answers its items (through the one turn engine); a text model is refused at once.</summary>
public class BatchModelTests : ApiTest
{
    private readonly ModelCatalogFolder folder = new();

    private HttpClient client => field ??= api.CreateClient();

    protected override void Configure(Dictionary<string, string?> settings) => folder.Configure(settings, enabled: "miku-text,miku-vl-moe");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        ModelCatalogFolder.Provisioned(api.Ollama);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        folder.Dispose();
    }

    [Fact]
    public async Task A_batch_is_answered_by_the_vision_model_it_names_and_a_text_model_is_refused_before_anything_is_created()
    {
        var created = await client.CreateBatchAsync("Describe the image.", BatchTestData.Images(2), new() { ["model"] = "miku-vl-moe" }, Ct);
        var id = created["batch"]!["id"]!.GetValue<Guid>();
        var events = await client.FollowAsync(id, TimeSpan.FromMinutes(1), cancellationToken: Ct);

        Assert.Equal("miku-vl-moe", created["batch"]!["model"]!.GetValue<string>());
        Assert.Equal(("done", "completed"), (events[^1].Name, events[^1].Data!["status"]!.GetValue<string>()));
        Assert.Equal(["miku-vl-moe", "miku-vl-moe"], api.Ollama.ChatRequests.Select(r => r["model"]!.GetValue<string>()));

        using var refused = await client.PostAsync("/api/batches",
            BatchTestData.Form(new Dictionary<string, string> { ["prompt"] = "Describe.", ["model"] = "miku-text" }, BatchTestData.Images(1)), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("model", JsonNode.Parse(await refused.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Single((await client.GetFromJsonAsync<JsonObject>("/api/batches", Ct))!["items"]!.AsArray());
    }
}
