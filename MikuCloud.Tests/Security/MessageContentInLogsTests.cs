using System.Text.RegularExpressions;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Security;

/// <summary>
/// With every category at Trace, a chat turn's prompt, system prompt, image and answer stay out of the logs unless
/// <c>Chat:RecordContentInTelemetry</c> is on (then the chat client may log them: the switch is what an operator turns
/// on to see them).
/// </summary>
public partial class MessageContentInLogsTests : ApiTest
{
    protected virtual bool RecordContent => false;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Trace";
        settings["Logging:LogLevel:Microsoft"] = "Trace";
        settings["Chat:RecordContentInTelemetry"] = RecordContent ? "true" : "false";
    }

    [Fact]
    public async Task A_turn_with_a_picture_logs_none_of_its_content_at_trace_level_unless_the_switch_is_on()
    {
        const string prompt = "zebra7731 请描述这张图片", system = "walrus4419 你是一位助手", answer = "quokka5521";
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["答案是", answer] };
        var id = await api.NewConversationAsync(systemPrompt: system);
        var photo = Convert.ToBase64String(TestImages.Jpeg(TestImages.PhotoLike(600, 400)));

        using (var response = await api.CreateClient().SendAsync(id, new { content = prompt, images = new[] { new { data = photo } } }, Ct))
        {
            Assert.Equal("done", (await Sse.AllAsync(response, Ct))[^1].Name);
        }

        var sent = Convert.ToBase64String((await api.MessagesAsync(id))[0].Images.Single().Data);
        // Pieces of the image as Ollama got it; letters and digits only, which no JSON or log encoder escapes.
        var imagePieces = Alphanumeric().Matches(sent).Select(m => m.Value[..32]).Take(20).ToList();
        Assert.NotEmpty(imagePieces);
        var logs = string.Join('\n', api.Logs);
        Assert.True(logs.Length > 1000, "the logs should have captured the turn");
        string[] content = ["zebra7731", "walrus4419", answer, .. imagePieces];

        var leaked = content.Where(c => logs.Contains(c, StringComparison.Ordinal)).ToList();

        if (RecordContent)
        {
            Assert.Contains("zebra7731", leaked); // the check can see content when it is there
        }
        else
        {
            Assert.True(leaked.Count == 0, "content in the logs: " + string.Join(", ", leaked));
        }
    }

    [GeneratedRegex("[A-Za-z0-9]{32,}")]
    private static partial Regex Alphanumeric();
}

/// <summary>With <c>Chat:RecordContentInTelemetry</c> on, the same turn's prompt may be logged: the check sees it.</summary>
public sealed class MessageContentInLogsWhenRecordingTests : MessageContentInLogsTests
{
    protected override bool RecordContent => true;
}
