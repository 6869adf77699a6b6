using MikuCloud.Api.Turns;

namespace MikuCloud.Api.OpenAi;

/// <summary>A read chat completion request as the turn engine's door-neutral <see cref="Transcript"/>.</summary>
internal static class ChatCompletionTranscript
{
    public static Transcript From(ChatCompletionRequest request) => new(
        [.. request.Messages.Select(m => new TranscriptMessage(m.Role, m.Text, [.. m.Images.Select(Bytes)],
            [.. m.ToolCalls.Select(c => new TranscriptToolCall(c.Id, c.Name, c.ArgumentsJson))], m.ToolCallId))],
        request.Format,
        [.. request.Tools.Select(t => new TranscriptTool(t.Name, t.Description, t.Parameters))],
        request.ToolChoice);

    private static byte[] Bytes(ChatCompletionImage image) =>
        image.Data ?? throw new InvalidOperationException($"{image.Param} was not fetched (ChatCompletionImages.FetchAsync comes first).");
}
