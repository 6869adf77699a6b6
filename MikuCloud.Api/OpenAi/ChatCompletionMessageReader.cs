using System.Text.Json.Nodes;
using MikuCloud.Api.Requests;
using static MikuCloud.Api.OpenAi.ChatCompletionReader;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// Reads the <c>messages</c> of a chat completion request: roles, string or part-list content, images (data or http(s) URLs),
/// an assistant's <c>tool_calls</c> and the <c>tool</c> messages that answer them.
/// </summary>
internal static class ChatCompletionMessageReader
{
    public static List<ChatCompletionMessage> ReadAll(JsonArray messages)
    {
        var read = new List<ChatCompletionMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            read.Add(Read(messages[i] as JsonObject ?? throw Invalid($"messages[{i}]", "Each message must be an object."), $"messages[{i}]"));
        }

        return read;
    }

    private static ChatCompletionMessage Read(JsonObject message, string param)
    {
        var role = Field(message, "role") is { } r ? String(r, $"{param}.role") : throw Invalid($"{param}.role", "Each message needs a role.");
        var content = Field(message, "content");
        switch (role)
        {
            case "system" or "developer":
                // OpenAI renamed system to developer for its newer models; both are the system prompt to Ollama.
                return new ChatCompletionMessage("system", Text(content, param, allowImages: false).Text, [], []);
            case "user":
                var (text, images) = Text(content, param, allowImages: true);
                return new ChatCompletionMessage("user", text, images, []);
            case "assistant":
                var calls = ToolCalls(Field(message, "tool_calls"), param);
                if (content is null && calls.Count == 0)
                {
                    throw Invalid($"{param}.content", "An assistant message needs content or tool_calls.");
                }

                return new ChatCompletionMessage("assistant", content is null ? "" : Text(content, param, allowImages: false).Text, [], calls);
            case "tool":
                var callId = Field(message, "tool_call_id") is { } id ? String(id, $"{param}.tool_call_id") : throw Invalid($"{param}.tool_call_id", "A tool message needs the tool_call_id it answers.");
                return new ChatCompletionMessage("tool", Text(content, param, allowImages: false).Text, [], [], callId);
            default:
                throw Invalid($"{param}.role", $"role must be system, developer, user, assistant or tool, not '{Echo.Cap(role)}'.");
        }
    }

    /// <summary>The content's text (parts joined by blank lines) and, for a user, its images.</summary>
    private static (string Text, List<ChatCompletionImage> Images) Text(JsonNode? content, string param, bool allowImages)
    {
        if (content is JsonValue)
        {
            return (String(content, $"{param}.content"), []);
        }

        if (content is not JsonArray parts)
        {
            throw Invalid($"{param}.content", "content must be a string or an array of parts.");
        }

        var texts = new List<string>();
        var images = new List<ChatCompletionImage>();
        for (var j = 0; j < parts.Count; j++)
        {
            var partParam = $"{param}.content[{j}]";
            var part = parts[j] as JsonObject ?? throw Invalid(partParam, "Each content part must be an object.");
            var type = Field(part, "type") is { } t ? String(t, $"{partParam}.type") : "";
            switch (type)
            {
                case "text":
                    texts.Add(Field(part, "text") is { } text ? String(text, $"{partParam}.text") : throw Invalid($"{partParam}.text", "A text part needs text."));
                    break;
                case "image_url" when allowImages:
                    var url = Field(part, "image_url") switch
                    {
                        JsonObject o when Field(o, "url") is { } u => String(u, $"{partParam}.image_url.url"),
                        JsonValue v => String(v, $"{partParam}.image_url"),
                        _ => throw Invalid($"{partParam}.image_url", "An image part needs image_url.url."),
                    };
                    images.Add(ImageDataUrl.Read(url, $"{partParam}.image_url.url"));
                    break;
                case "image_url":
                    throw Invalid(partParam, "Only user messages may carry images.");
                default:
                    throw Invalid($"{partParam}.type", $"Content parts may be text{(allowImages ? " or image_url" : "")}, not '{Echo.Cap(type)}'.");
            }
        }

        return (string.Join("\n\n", texts), images);
    }

    private static List<ChatCompletionToolCall> ToolCalls(JsonNode? node, string param)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray calls)
        {
            throw Invalid($"{param}.tool_calls", "tool_calls must be an array.");
        }

        var read = new List<ChatCompletionToolCall>(calls.Count);
        for (var k = 0; k < calls.Count; k++)
        {
            var callParam = $"{param}.tool_calls[{k}]";
            if (calls[k] is not JsonObject call || Field(call, "function") is not JsonObject function)
            {
                throw Invalid(callParam, "A tool call is {\"id\", \"type\": \"function\", \"function\": {\"name\", \"arguments\"}}.");
            }

            var name = Field(function, "name") is { } n ? String(n, $"{callParam}.function.name") : "";
            if (!ToolNames.IsValid(name))
            {
                throw Invalid($"{callParam}.function.name", "A function name is 1–64 letters, digits, '_' or '-'.");
            }

            var arguments = Field(function, "arguments") is { } a ? String(a, $"{callParam}.function.arguments") : "{}";
            var id = Field(call, "id") is { } i ? String(i, $"{callParam}.id") : $"call_{k}";
            read.Add(new ChatCompletionToolCall(id, name, arguments));
        }

        return read;
    }
}
