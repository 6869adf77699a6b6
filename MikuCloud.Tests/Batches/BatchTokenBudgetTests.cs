using System.Text.Json.Nodes;
using MikuCloud.Testing;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Batches;

/// <summary>A user whose token budget for the minute is spent waits with their own batch; every other user's batch goes on.</summary>
public class BatchTokenBudgetTests : AccountsApiTest
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Limits:TokensPerMinute"] = "1000";
        settings["Batches:PollInterval"] = "00:00:00.2";
    }

    [Fact]
    public async Task A_user_over_their_token_budget_pauses_only_their_own_batch()
    {
        SkipUnlessDatabase();
        var admin = await SetupAdminAsync();
        var rin = await AddUserAsync(admin, "rin");
        // Miku's prompt costs more than the minute's budget; Rin's costs next to nothing.
        api.Ollama.Chat = request => new FakeChatReply { PromptEvalCount = BatchTestData.Prompt(request).StartsWith("Spend", StringComparison.Ordinal) ? 1200 : 10 };
        using var miku = As(admin);
        using var rinClient = As(rin);
        var spender = IdOf(await miku.CreateBatchAsync("Spend the budget.", BatchTestData.Images(4), cancellationToken: Ct));
        await Poll.UntilAsync(async () => (await miku.BatchAsync(spender, Ct))["completed"]!.GetValue<int>() >= 1, "timed out", TimeSpan.FromSeconds(30));

        var hers = IdOf(await rinClient.CreateBatchAsync("Caption.", BatchTestData.Images(3, first: 10), cancellationToken: Ct));
        var done = (await rinClient.FollowAsync(hers, TimeSpan.FromSeconds(30), cancellationToken: Ct))[^1];

        Assert.Equal("done", done.Name);
        Assert.Equal(("completed", 3), (done.Data!["status"]!.GetValue<string>(), done.Data!["completed"]!.GetValue<int>()));
        // Miku's batch waits for her budget: its remaining items are queued, none failed.
        var waiting = await miku.BatchAsync(spender, Ct);
        Assert.True(waiting["queued"]!.GetValue<int>() >= 1, waiting.ToJsonString());
        Assert.Equal(0, waiting["failed"]!.GetValue<int>());
    }

    private static Guid IdOf(JsonObject created) => created["batch"]!["id"]!.GetValue<Guid>();

}

/// <summary>The same on PostgreSQL (the claim's owner filter is written per provider).</summary>
public sealed class BatchTokenBudgetPostgresTests : BatchTokenBudgetTests
{
    protected override bool OnPostgres => true;
}
