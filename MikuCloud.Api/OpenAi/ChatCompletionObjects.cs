using System.Text.Json.Serialization;

namespace MikuCloud.Api.OpenAi;

// The objects /v1/chat/completions answers, in OpenAI's snake_case wire names. Only what MikuCloud fills in:
// OpenAI's SDKs treat every other field as optional.

/// <summary>A whole answer (<c>"object": "chat.completion"</c>).</summary>
public sealed record ChatCompletionObject(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatCompletionChoice> Choices,
    [property: JsonPropertyName("usage")] ChatCompletionUsage? Usage)
{
    [JsonPropertyName("object")]
    public string Object => "chat.completion";
}

/// <summary>The one choice of an answer (<c>n</c> is always 1).</summary>
public sealed record ChatCompletionChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] ChatCompletionAnswer Message,
    [property: JsonPropertyName("finish_reason")] string FinishReason);

/// <summary>The assistant's message: text, or the functions it wants called.</summary>
public sealed record ChatCompletionAnswer(
    [property: JsonPropertyName("content")] string? Content,
    [property: JsonPropertyName("tool_calls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ChatCompletionToolCallObject>? ToolCalls)
{
    [JsonPropertyName("role")]
    public string Role => "assistant";
}

/// <summary>A function call in OpenAI's shape (<c>arguments</c> is a JSON string).</summary>
public sealed record ChatCompletionToolCallObject(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("function")] ChatCompletionFunctionCall Function,
    [property: JsonPropertyName("index"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Index = null)
{
    [JsonPropertyName("type")]
    public string Type => "function";
}

/// <summary>The function's name and its arguments as JSON text.</summary>
public sealed record ChatCompletionFunctionCall(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("arguments")] string Arguments);

/// <summary>Token counts, from Ollama's own counters.</summary>
public sealed record ChatCompletionUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens)
{
    [JsonPropertyName("total_tokens")]
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>One streamed piece (<c>"object": "chat.completion.chunk"</c>); the last one may carry only usage.</summary>
public sealed record ChatCompletionChunk(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatCompletionChunkChoice> Choices,
    [property: JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChatCompletionUsage? Usage = null)
{
    [JsonPropertyName("object")]
    public string Object => "chat.completion.chunk";
}

/// <summary>The choice of a chunk: what is new, and on the last one why the answer ended.</summary>
public sealed record ChatCompletionChunkChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("delta")] ChatCompletionDelta Delta,
    [property: JsonPropertyName("finish_reason")] string? FinishReason);

/// <summary>What a chunk adds: the role (first chunk), text, or function calls.</summary>
public sealed record ChatCompletionDelta(
    [property: JsonPropertyName("role"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role = null,
    [property: JsonPropertyName("content"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content = null,
    [property: JsonPropertyName("tool_calls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ChatCompletionToolCallObject>? ToolCalls = null);

/// <summary>OpenAI's <c>finish_reason</c> for how Ollama ended (<c>done_reason</c>).</summary>
public static class FinishReasons
{
    public const string Stop = "stop", Length = "length", ToolCalls = "tool_calls";

    /// <summary>
    /// <c>length</c> when Ollama stopped at <c>num_predict</c> or the context, <c>tool_calls</c> when the answer is
    /// calls, else <c>stop</c>.
    /// </summary>
    public static string From(string? doneReason, bool calledTools) =>
        calledTools ? ToolCalls : doneReason is "length" or "limit" ? Length : Stop;
}
