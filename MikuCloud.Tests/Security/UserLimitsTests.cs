using System.Net;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Security;

/// <summary>Each per-user limit answers 429 with Retry-After and a code, saves nothing, and leaves other users alone.</summary>
public sealed class UserLimitsTests : AccountsApiTest
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Limits:RequestsPerMinute"] = "30";
        settings["Limits:TokensPerMinute"] = "1000";
        settings["Limits:ConcurrentStreams"] = "1";
        settings["Limits:StoredImages"] = "2";
    }

    [Fact]
    public async Task Requests_per_minute_are_counted_per_user()
    {
        var admin = await SetupAdminAsync();
        var rin = await AddUserAsync(admin, "rin");
        using var client = As(admin);
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            var response = await client.GetAsync("/api/presets", Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal(ProblemCodes.RateLimited, await CodeOf(refused));
            Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        }

        // Rin has her own budget.
        using var rinClient = As(rin);
        Assert.Equal(HttpStatusCode.OK, (await rinClient.GetAsync("/api/presets", Ct)).StatusCode);
    }

    [Fact]
    public async Task Tokens_per_minute_refuse_the_next_turn_once_spent()
    {
        var admin = await SetupAdminAsync();
        var rin = await AddUserAsync(admin, "rin");
        api.Ollama.Chat = _ => new FakeChatReply { PromptEvalCount = 1200 };
        using var client = As(admin);
        var conversation = Guid.Parse(await CreateConversationAsync(client));
        using (var first = await client.SendAsync(conversation, new { content = "a long question" }, Ct))
        {
            Assert.Contains(await Sse.AllAsync(first, Ct), e => e.Name == "done");
        }

        var before = (await api.MessagesAsync(conversation)).Count;
        using (var second = await client.SendAsync(conversation, new { content = "and another" }, Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.Equal(ProblemCodes.TokenLimit, await CodeOf(second));
            Assert.InRange(second.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        }

        Assert.Equal(before, (await api.MessagesAsync(conversation)).Count); // nothing saved

        using var rinClient = As(rin);
        var hers = Guid.Parse(await CreateConversationAsync(rinClient));
        using var rinSend = await rinClient.SendAsync(hers, new { content = "mine is fine" }, Ct);
        Assert.Equal(HttpStatusCode.OK, rinSend.StatusCode);
    }

    [Fact]
    public async Task A_user_gets_one_stream_at_a_time_here_while_others_still_can_stream()
    {
        var admin = await SetupAdminAsync();
        var rin = await AddUserAsync(admin, "rin");
        api.Ollama.Chat = _ => new FakeChatReply { ChunkDelay = TimeSpan.FromMilliseconds(300) };
        using var client = As(admin);
        var a = Guid.Parse(await CreateConversationAsync(client));
        var b = Guid.Parse(await CreateConversationAsync(client));
        using var running = await client.SendAsync(a, new { content = "long answer please" }, Ct);
        Assert.Equal(HttpStatusCode.OK, running.StatusCode);

        using (var second = await client.SendAsync(b, new { content = "and this too" }, Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.Equal(ProblemCodes.TooManyStreams, await CodeOf(second));
            Assert.NotNull(second.Headers.RetryAfter);
        }

        Assert.Empty(await api.MessagesAsync(b));
        using var rinClient = As(rin);
        var hers = Guid.Parse(await CreateConversationAsync(rinClient));
        using (var rinSend = await rinClient.SendAsync(hers, new { content = "me too" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, rinSend.StatusCode);
        }

        // When the first answer ends, the slot is free again.
        Assert.Contains(await Sse.AllAsync(running, Ct), e => e.Name == "done");
        using var third = await client.SendAsync(b, new { content = "now?" }, Ct);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task Stored_images_are_capped_per_user_and_deleting_frees_room()
    {
        var admin = await SetupAdminAsync();
        using var client = As(admin);
        var conversation = Guid.Parse(await CreateConversationAsync(client));
        var image = TestImages.SolidJpeg(64, 64, TestImages.Red);
        using (var two = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversation}/messages")
        {
            Content = ChatTestExtensions.Multipart("two pictures", ("a.jpg", image), ("b.jpg", image)),
        }, HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            Assert.Contains(await Sse.AllAsync(two, Ct), e => e.Name == "done");
        }

        using (var third = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversation}/messages")
        {
            Content = ChatTestExtensions.Multipart("one more", ("c.jpg", image)),
        }, Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.Equal(ProblemCodes.ImageQuota, await CodeOf(third));
            Assert.NotNull(third.Headers.RetryAfter);
        }

        // Text still works; deleting the conversation frees the room.
        using (var text = await client.SendAsync(conversation, new { content = "no picture" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, text.StatusCode);
            await Sse.AllAsync(text, Ct);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/conversations/{conversation}", Ct)).StatusCode);
        var fresh = Guid.Parse(await CreateConversationAsync(client));
        using var again = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{fresh}/messages")
        {
            Content = ChatTestExtensions.Multipart("room again", ("c.jpg", image)),
        }, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
