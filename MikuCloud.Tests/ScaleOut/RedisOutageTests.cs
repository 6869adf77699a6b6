using System.Net;
using System.Net.Http.Json;
using MikuCloud.Testing;
using MikuCloud.Tests.Persistence;

namespace MikuCloud.Tests.ScaleOut;

/// <summary>
/// Scale-out with its Redis unreachable: what needs a limit is a 503 <c>shared_state_unavailable</c> with Retry-After
/// and changes nothing — never admitted uncounted — and the readiness check says so.
/// </summary>
public sealed class RedisOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_redis_unreachable_requests_are_refused_as_unavailable_and_nothing_is_saved()
    {
        await using var database = new SqliteTestDatabase();
        await using var api = await database.StartApiAsync(a =>
        {
            a.UseAccounts();
            // A port nobody listens on; short timeouts so the test does not wait on StackExchange.Redis's defaults.
            a.Settings["ConnectionStrings:redis"] = $"127.0.0.1:{LoopbackPort.Free()},abortConnect=false,connectTimeout=500,syncTimeout=1000,asyncTimeout=1000";
        });
        using var service = new HttpClient { BaseAddress = api.CreateClient().BaseAddress };
        service.DefaultRequestHeaders.Authorization = new("Bearer", Security.WebTokens.Service(api.TokenKey));
        using var setup = await service.PostAsJsonAsync("/api/auth/setup", new { userName = "miku", password = "correct horse battery" }, Ct);
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode); // the Web's service calls count against no user's limits
        var admin = (await setup.Content.ReadFromJsonAsync<SignedInUser>(Ct))!;

        using var user = new HttpClient { BaseAddress = service.BaseAddress };
        user.DefaultRequestHeaders.Authorization = new("Bearer", Security.WebTokens.User(api.TokenKey, admin.User.Id, admin.Stamp));
        using var refused = await user.PostAsJsonAsync("/api/conversations", new { title = "not now" }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(ProblemCodes.SharedStateUnavailable, await ScaleOutLimitsTests.CodeOf(refused));
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(0, await api.WithDbAsync(db => Task.FromResult(db.Conversations.Count())));

        // Sign-in cannot be throttled: refused too, rather than open to unlimited guessing.
        using var signIn = await service.PostAsJsonAsync("/api/auth/login", new { userName = "miku", password = "wrong" }, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
        Assert.Equal(ProblemCodes.SharedStateUnavailable, await ScaleOutLimitsTests.CodeOf(signIn));

        using var health = await service.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }
}
