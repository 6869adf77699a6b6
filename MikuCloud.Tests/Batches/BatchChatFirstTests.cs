using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Batches;

/// <summary>Interactive chat goes first: a batch only uses generation slots chat leaves idle, and gives one back at once.</summary>
public class BatchChatFirstTests(ITestOutputHelper output) : ApiTest
{
    private const string BatchPrompt = "Describe the image for the catalogue.";

    private HttpClient client => field ??= api.CreateClient();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Chat:MaxConcurrentGenerations"] = "2";
        settings["Batches:MaxConcurrentItems"] = "2";
        // One answer at a time per user: a batch item holding it would turn the chat away with 429.
        settings["Limits:ConcurrentStreams"] = "1";
    }

    [Fact]
    public async Task A_chat_sent_while_a_batch_fills_every_slot_gets_its_first_token_without_waiting_for_a_batch_item()
    {
        // Batch answers never end until the test lets them: the chat cannot be served by waiting for one to finish.
        var releaseBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.Ollama.Chat = request => BatchTestData.Prompt(request) == BatchPrompt
            ? new FakeChatReply { Chunks = ["slow ", "answer"], FinishWhen = releaseBatch.Task }
            : new FakeChatReply { Chunks = ["chat ", "first"] };
        var created = await client.CreateBatchAsync(BatchPrompt, BatchTestData.Images(4), cancellationToken: Ct);
        var id = created["batch"]!["id"]!.GetValue<Guid>();
        await Poll.UntilAsync(() => api.Ollama.ActiveChats == 2, "timed out waiting for the batch to fill both slots", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));

        var conversation = await api.NewConversationAsync();
        var watch = Stopwatch.StartNew();
        using var response = await client.SendAsync(conversation, new { content = "你好" }, Ct);
        double? firstToken = null;
        await foreach (var e in Sse.ReadAsync(response, cancellationToken: Ct))
        {
            firstToken ??= e.Name == "delta" ? watch.Elapsed.TotalMilliseconds : null;
            if (e.Name is "done" or "error")
            {
                Assert.Equal("done", e.Name);
                Assert.Equal("chat first", e.Data!["content"]!.GetValue<string>());
                break;
            }
        }

        output.WriteLine($"chat time to first token with the batch filling every slot: {firstToken:0} ms");
        Assert.NotNull(firstToken);
        Assert.True(firstToken < 5_000, $"the chat's first token took {firstToken} ms");
        Assert.True(api.Ollama.ChatCancellations >= 1, "a batch item's Ollama call should have been stopped for the chat");

        // The item that gave way is queued again, not failed, and its attempt not counted; then the batch finishes whole.
        releaseBatch.SetResult();
        var events = await client.FollowAsync(id, TimeSpan.FromMinutes(1), cancellationToken: Ct);
        var done = events[^1].Data!;
        Assert.Equal(("completed", 4, 0), (done["status"]!.GetValue<string>(), done["completed"]!.GetValue<int>(), done["failed"]!.GetValue<int>()));
        var attempts = await api.WithDbAsync(db => db.BatchItems.Where(i => i.BatchId == id).Select(i => i.Attempts).ToListAsync(Ct));
        Assert.All(attempts, a => Assert.Equal(1, a));
    }

    [Fact]
    public async Task A_batch_does_not_take_the_users_stream_slots()
    {
        var releaseBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.Ollama.Chat = request => BatchTestData.Prompt(request) == BatchPrompt
            ? new FakeChatReply { Chunks = ["slow"], FinishWhen = releaseBatch.Task }
            : new FakeChatReply { Chunks = ["ok"] };
        await client.CreateBatchAsync(BatchPrompt, BatchTestData.Images(2), cancellationToken: Ct);
        await Poll.UntilAsync(() => api.Ollama.ActiveChats == 2, "timed out waiting for the batch to fill both slots", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));

        var conversation = await api.NewConversationAsync();
        using var response = await client.SendAsync(conversation, new { content = "hi" }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", (await Sse.AllAsync(response, Ct))[^1].Name);
        releaseBatch.SetResult();
    }
}
