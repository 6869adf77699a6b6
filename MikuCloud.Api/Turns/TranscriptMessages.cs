using System.Text.Json;
using Microsoft.Extensions.AI;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiChatRole = Microsoft.Extensions.AI.ChatRole;

namespace MikuCloud.Api.Turns;

/// <summary>
/// A <see cref="Transcript"/> as the prompt builder sees it (to check that it fits and bound the answer) and as the
/// model gets it: text, processed images from memory, function calls and their results, format and tools.
/// </summary>
public static class TranscriptMessages
{
    public const string System = "system", User = "user", Assistant = "assistant", Tool = "tool";

    /// <summary>Everything but the last message as history, the last as the turn; system messages are left to <see cref="ToChatMessages"/>.</summary>
    public static (List<PromptTurn> History, PromptTurn Next) ToPromptTurns(Transcript transcript, IReadOnlyList<List<StoredImage>> images)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(images);
        var turns = new List<PromptTurn>(transcript.Messages.Count);
        for (var i = 0; i < transcript.Messages.Count; i++)
        {
            var m = transcript.Messages[i];
            // System text counts like any turn; calls and results are estimated by their JSON.
            var text = m.ToolCalls is { Count: > 0 } calls ? m.Text + JsonSerializer.Serialize(calls) : m.Text;
            turns.Add(new PromptTurn(m.Role == User ? MessageRole.User : MessageRole.Assistant, text,
                images[i].Select(img => new PromptImage(img.Id, img.VisualTokens)).ToList()));
        }

        return (turns[..^1], turns[^1]);
    }

    /// <summary>The messages sent to the model, in order; <paramref name="systemPrompt"/> first when the transcript has none.</summary>
    public static List<AiChatMessage> ToChatMessages(string? systemPrompt, Transcript transcript, IReadOnlyList<List<StoredImage>> images)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(images);
        var messages = new List<AiChatMessage>(transcript.Messages.Count + 1);
        if (!string.IsNullOrWhiteSpace(systemPrompt))
        {
            messages.Add(new AiChatMessage(AiChatRole.System, systemPrompt));
        }

        for (var i = 0; i < transcript.Messages.Count; i++)
        {
            var m = transcript.Messages[i];
            var contents = new List<AIContent>();
            switch (m.Role)
            {
                case Tool:
                    contents.Add(new FunctionResultContent(m.ToolCallId ?? "", m.Text));
                    break;
                default:
                    if (m.Text.Length > 0 || m.ToolCalls is not { Count: > 0 })
                    {
                        contents.Add(new TextContent(m.Text));
                    }

                    contents.AddRange(images[i].Select(img => new DataContent(img.Data, img.MediaType)));
                    contents.AddRange((m.ToolCalls ?? []).Select(c => new FunctionCallContent(c.Id, c.Name, Arguments(c.ArgumentsJson))));
                    break;
            }

            messages.Add(new AiChatMessage(m.Role switch { System => AiChatRole.System, User => AiChatRole.User, Tool => AiChatRole.Tool, _ => AiChatRole.Assistant }, contents));
        }

        return messages;
    }

    /// <summary>The answer's form: Ollama's <c>format</c> (JSON mode or a schema) and the tools it may call.</summary>
    public static void ApplyForm(Transcript transcript, ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(options);
        if (transcript.Format is { } format)
        {
            options.ResponseFormat = format.GetValueKind() == JsonValueKind.String
                ? ChatResponseFormat.Json
                : ChatResponseFormat.ForJsonSchema(JsonSerializer.SerializeToElement(format));
        }

        if (transcript.Tools is { Count: > 0 } tools && transcript.ToolChoice != "none")
        {
            options.Tools = [.. tools.Select(t => AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.Parameters))];
            options.ToolMode = transcript.ToolChoice switch
            {
                "auto" => ChatToolMode.Auto,
                "required" => ChatToolMode.RequireAny,
                var name => ChatToolMode.RequireSpecific(name),
            };
        }
    }

    // Arguments arrive as JSON text (OpenAI's shape); the model gets them as the object they spell, or nothing if they are not one.
    private static Dictionary<string, object?>? Arguments(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, object?>>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
