using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Reliability;

public class HostileUploadTests : ApiTest
{

    [Fact]
    public async Task A_decompression_bomb_is_refused_cheaply_and_nothing_is_saved()
    {
        var id = await api.NewConversationAsync();
        var bomb = TestImages.PngBomb(60000, 60000); // a few hundred bytes claiming 3.6 gigapixels

        var before = GC.GetTotalAllocatedBytes();
        using var response = await api.CreateClient().PostAsync($"/api/conversations/{id}/messages",
            ChatTestExtensions.Multipart("看图", ("bomb.png", bomb)), Ct);
        var allocated = GC.GetTotalAllocatedBytes() - before;
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemCodes.ImageTooManyPixels, problem!["code"]!.GetValue<string>());
        Assert.True(allocated < 64 * 1024 * 1024, $"refusing the bomb allocated {allocated / 1048576} MB");
        Assert.Empty(await api.MessagesAsync(id));
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("<img src=x onerror=alert(1)>.jpg")]
    [InlineData("C:\\Windows\\system32\\cmd.exe")]
    [InlineData("%00.jpg")]
    public async Task File_names_are_never_trusted_or_stored(string name)
    {
        var id = await api.NewConversationAsync();

        using var response = await api.CreateClient().PostAsync($"/api/conversations/{id}/messages",
            ChatTestExtensions.Multipart("看图", (name, TestImages.SolidJpeg(64, 64, TestImages.Red))), Ct);
        var events = await Sse.AllAsync(response, Ct);

        Assert.Equal("done", events[^1].Name);
        Assert.DoesNotContain(name, events[0].Data!.ToJsonString(), StringComparison.Ordinal);
        var image = Assert.Single((await api.MessagesAsync(id))[0].Images);
        Assert.Equal("image/jpeg", image.MediaType); // identified by content
    }

    [Fact]
    public async Task An_interrupted_answer_can_be_regenerated()
    {
        var id = await api.NewConversationAsync();
        using (var first = await api.CreateClient().SendAsync(id, new { content = "q" }, Ct))
        {
            await Sse.AllAsync(first, Ct);
        }

        var answer = (await api.MessagesAsync(id))[1];
        await api.WithDbAsync(async db =>
        {
            var m = await db.Messages.FindAsync([answer.Id], Ct);
            m!.Status = MessageStatus.Interrupted;
            return await db.SaveChangesAsync(Ct);
        });

        using var retry = await api.CreateClient().PostAsync($"/api/conversations/{id}/messages/{answer.Id}/regenerate", null, Ct);
        var events = await Sse.AllAsync(retry, Ct);

        Assert.Equal("done", events[^1].Name);
        // The branch shown (issue 19: the interrupted answer stays, as a sibling of the new one).
        var branch = await api.CreateClient().GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/conversations/{id}/messages", Ct);
        Assert.Equal(["complete", "complete"], branch!["items"]!.AsArray().Select(m => m!["status"]!.GetValue<string>()));
    }
}
