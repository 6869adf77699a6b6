using System.Net;
using System.Net.Http.Json;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.ScaleOut;

/// <summary>
/// Three API processes on one Redis and one PostgreSQL: a user's request, token and stream limits and the sign-in
/// throttle hold exactly across them, wherever the load balancer sends each request.
/// </summary>
public sealed class ScaleOutLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true, 30)]
    // Without Redis each process counts only the requests it sees: the user gets three times the limit (45 of 45 here).
    [InlineData(false, 45)]
    public async Task A_users_requests_per_minute_count_on_every_process(bool redis, int expectedAnswered)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(new() { ["Limits:RequestsPerMinute"] = "30" }, redis: redis);
        var admin = await cluster.SetupAdminAsync(Ct);
        var answered = 0;
        var refused = new List<string?>();
        for (var i = 0; i < 45; i++)
        {
            using var client = cluster.AsNext(admin);
            using var response = await client.GetAsync("/api/presets", Ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                answered++;
            }
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
                refused.Add(await CodeOf(response));
            }
        }

        Assert.Equal(expectedAnswered, answered);
        Assert.All(refused, code => Assert.Equal(ProblemCodes.RateLimited, code));
    }

    [Fact]
    public async Task Tokens_spent_on_one_process_refuse_the_next_turn_on_another()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(new() { ["Limits:TokensPerMinute"] = "1000" });
        cluster.Chat = _ => new FakeChatReply { PromptEvalCount = 1200 };
        var admin = await cluster.SetupAdminAsync(Ct);
        using var first = cluster.As(admin, 0);
        var conversation = await CreateConversationAsync(first);
        using (var answer = await first.SendAsync(conversation, new { content = "a long question" }, Ct))
        {
            Assert.Contains(await Sse.AllAsync(answer, Ct), e => e.Name == "done");
        }

        using var second = cluster.As(admin, 1);
        using var refused = await second.SendAsync(conversation, new { content = "and another" }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(ProblemCodes.TokenLimit, await CodeOf(refused));
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
    }

    [Fact]
    public async Task A_user_streaming_on_one_process_cannot_stream_more_on_another_until_it_ends()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(new() { ["Limits:ConcurrentStreams"] = "1" });
        var goOn = new TaskCompletionSource();
        cluster.Chat = body => body.ToJsonString().Contains("hold on", StringComparison.Ordinal)
            ? new FakeChatReply { Pause = (1, goOn.Task) }
            : new FakeChatReply();
        var admin = await cluster.SetupAdminAsync(Ct);
        using var first = cluster.As(admin, 0);
        var a = await CreateConversationAsync(first);
        var b = await CreateConversationAsync(first);
        using var running = await first.SendAsync(a, new { content = "hold on" }, Ct);
        Assert.Equal(HttpStatusCode.OK, running.StatusCode);

        foreach (var other in new[] { 1, 2 })
        {
            using var client = cluster.As(admin, other);
            using var refused = await client.SendAsync(b, new { content = "and this too" }, Ct);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(ProblemCodes.TooManyStreams, await CodeOf(refused));
        }

        goOn.SetResult();
        Assert.Contains(await Sse.AllAsync(running, Ct), e => e.Name == "done");
        using var third = cluster.As(admin, 2);
        using var now = await third.SendAsync(b, new { content = "now?" }, Ct);
        Assert.Equal(HttpStatusCode.OK, now.StatusCode);
        Assert.Contains(await Sse.AllAsync(now, Ct), e => e.Name == "done");
    }

    [Fact]
    public async Task Failed_sign_ins_spread_over_processes_throttle_the_name_on_all_of_them()
    {
        await using var cluster = await ScaleOutCluster.StartAsync([]);
        var admin = await cluster.SetupAdminAsync(Ct);
        using (var client = cluster.As(admin, 0))
        using (var created = await client.PostAsJsonAsync("/api/admin/users", new { userName = "rin", password = ScaleOutCluster.Password, role = "user" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // Five wrong passwords (the default MaxFailedSignIns), spread over the three processes as a guesser would.
        for (var i = 0; i < 5; i++)
        {
            using var service = cluster.Service(i % 3);
            using var wrong = await service.PostAsJsonAsync("/api/auth/login", new { userName = "rin", password = $"guess {i}" }, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Even the right password waits now, on every process.
        for (var i = 0; i < 3; i++)
        {
            using var service = cluster.Service(i);
            using var throttled = await service.PostAsJsonAsync("/api/auth/login", new { userName = "rin", password = ScaleOutCluster.Password }, Ct);
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal(ProblemCodes.LoginThrottled, await CodeOf(throttled));
        }
    }

    internal static async Task<Guid> CreateConversationAsync(HttpClient client) =>
        Guid.Parse(await AccountsApiTest.CreateConversationAsync(client, "scale"));

    internal static Task<string?> CodeOf(HttpResponseMessage response) => AccountsApiTest.CodeOf(response);
}
