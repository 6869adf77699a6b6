using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MikuCloud.Testing;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Cli;

/// <summary><c>miku chat</c> as a person runs it: the answer streams to the terminal, refusals are one line and an exit code.</summary>
public sealed class MikuChatTests : MikuToolTest
{
    private static readonly string Answer = string.Concat(FakeChatReply.WireChunks);

    [Fact]
    public async Task Miku_chat_prints_the_answer_while_it_streams_then_the_conversation_id_and_exits_0()
    {
        var key = await KeyAsync();
        var finish = new TaskCompletionSource();
        api.Ollama.Chat = _ => new FakeChatReply { FinishWhen = finish.Task };
        await File.WriteAllBytesAsync(Path.Combine(Folder, "cat.png"), TestImages.Png(TestImages.Solid(64, 48, TestImages.Red)), Ct);

        await using var miku = MikuProcess.Start(Environment(key), Folder, "chat", "图里有什么？", "--image", "cat.png");
        // The whole answer is on the terminal while the model has not finished: it streamed, it was not collected first.
        await miku.WaitForOutputAsync((stdout, _) => stdout.Contains(Answer, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        finish.SetResult();

        Assert.Equal(0, await miku.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(Answer, miku.Stdout.Trim());
        var sent = Assert.Single(api.Ollama.ChatRequests);
        Assert.Single(sent["messages"]!.AsArray().Last()!["images"]!.AsArray());
        var conversationId = ConversationIdIn(miku.Stderr);
        using var owner = WithApiKey(key);
        var stored = await owner.GetFromJsonAsync<JsonObject>($"/api/conversations/{conversationId}/messages", Ct);
        Assert.Equal(Answer, stored!["items"]!.AsArray().Last()!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Miku_chat_with_conversation_continues_it_with_its_history()
    {
        var key = await KeyAsync();
        var first = await MikuAsync(key, "chat", "Remember the word banana.");
        Assert.Equal(0, first.ExitCode);
        var id = ConversationIdIn(first.Stderr);

        var second = await MikuAsync(key, "chat", "Which word?", "--conversation", id);

        Assert.Equal(0, second.ExitCode);
        Assert.Equal(id, ConversationIdIn(second.Stderr));
        var history = api.Ollama.ChatRequests.Last()["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).ToList();
        Assert.Contains("Remember the word banana.", history);
        Assert.Equal("Which word?", history[^1]);
    }

    [Fact]
    public async Task Ctrl_c_stops_the_answer_and_the_model_then_exits_130_with_the_conversation_id()
    {
        var key = await KeyAsync();
        api.Ollama.Chat = _ => new FakeChatReply { HangAfterChunks = true };
        await using var miku = MikuProcess.Start(Environment(key), Folder, "chat", "Tell me a long story.");
        await miku.WaitForOutputAsync((stdout, _) => stdout.Contains(Answer, StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        miku.Interrupt();

        Assert.Equal(130, await miku.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await api.Ollama.ChatCancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct), "the model was not stopped");
        Assert.Contains("stopped", miku.Stderr, StringComparison.Ordinal);
        ConversationIdIn(miku.Stderr);
        Assert.DoesNotMatch(@"(?m)^\s+at \S", miku.Stderr);
    }

    [Fact]
    public async Task A_wrong_key_exits_2_with_one_line_that_does_not_show_the_key()
    {
        await KeyAsync();
        const string wrong = "mkc_this1is2not3a4real5key6at7all";

        var (exitCode, stdout, stderr) = await MikuAsync(wrong, "chat", "hello");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("401", line, StringComparison.Ordinal);
        Assert.Contains("invalid_api_key", line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, stdout + stderr, StringComparison.Ordinal);
        Assert.Empty(api.Ollama.ChatRequests);
    }

    [Fact]
    public async Task An_api_that_is_down_exits_3_with_one_line()
    {
        var environment = new Dictionary<string, string> { ["MIKU_URL"] = "http://127.0.0.1:9", ["MIKU_KEY"] = "mkc_not_needed_to_fail_to_connect" };

        var (exitCode, _, stderr) = await MikuProcess.RunAsync(environment, Folder, "chat", "hello");

        Assert.Equal(3, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Cannot reach", line, StringComparison.Ordinal);
        Assert.DoesNotContain("mkc_not_needed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_question_is_a_usage_error_with_exit_code_1()
    {
        var (exitCode, _, stderr) = await MikuProcess.RunAsync(new Dictionary<string, string>(), Folder, "chat");

        Assert.Equal(1, exitCode);
        Assert.Contains("QUESTION", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    /// <summary>The id on the line the tool ends a chat with: <c>conversation &lt;id&gt;  (continue: …)</c>.</summary>
    private static string ConversationIdIn(string stderr)
    {
        var line = System.Text.RegularExpressions.Regex.Match(stderr, "^conversation ([0-9a-f-]{36}) ", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(line.Success, $"no conversation id in: {stderr}");
        return line.Groups[1].Value;
    }
}
