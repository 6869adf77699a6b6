using System.Text.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// A <c>POST /v1/chat/completions</c> body, read and checked (<see cref="ChatCompletionReader"/>), in MikuCloud's terms:
/// sampling values already under Ollama's option names, images still as the bytes the client sent (the turn's image
/// pipeline validates and resizes them like any other upload) or, for <c>http(s)</c> URLs, still to be fetched
/// (<see cref="ImageUrls.ChatCompletionImages"/>).
/// </summary>
/// <param name="Model">The requested model id (see <see cref="OpenAiModelIds"/>).</param>
/// <param name="Messages">The conversation so far, oldest first; the last one is usually the user's question.</param>
/// <param name="Options">Ollama options (<c>temperature</c>, <c>top_p</c>, <c>num_predict</c>, <c>stop</c>, <c>seed</c>, penalties).</param>
/// <param name="Format">Ollama's <c>format</c>: the string <c>json</c> or a JSON schema; null for free text.</param>
/// <param name="Tools">Functions the model may call.</param>
/// <param name="ToolChoice"><c>auto</c> (default), <c>none</c>, <c>required</c>, or the one function's name.</param>
/// <param name="Stream">Answer as server-sent chunks.</param>
/// <param name="IncludeUsage">With <see cref="Stream"/>: a last chunk carrying the token usage.</param>
/// <param name="Store">Save the exchange as a conversation in the caller's history (OpenAI's own flag; off by default).</param>
/// <param name="User">The caller's end-user id, kept for telemetry only.</param>
public sealed record ChatCompletionRequest(
    string Model,
    IReadOnlyList<ChatCompletionMessage> Messages,
    JsonObject Options,
    JsonNode? Format,
    IReadOnlyList<ChatCompletionTool> Tools,
    string ToolChoice,
    bool Stream,
    bool IncludeUsage,
    bool Store,
    string? User);

/// <summary>One message of a chat completion request.</summary>
/// <param name="Role"><c>system</c> (also for OpenAI's <c>developer</c>), <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Text">The text parts, joined by blank lines.</param>
/// <param name="Images">The image parts, in order.</param>
/// <param name="ToolCalls">An assistant message's earlier calls.</param>
/// <param name="ToolCallId">A tool message: the call it answers.</param>
public sealed record ChatCompletionMessage(string Role, string Text, IReadOnlyList<ChatCompletionImage> Images,
    IReadOnlyList<ChatCompletionToolCall> ToolCalls, string? ToolCallId = null);

/// <summary>An <c>image_url</c> part: its bytes (from a data URL, or once fetched) or the http(s) URL to fetch them from.</summary>
/// <param name="Param">Where it was in the request (<c>messages[i].content[j].image_url.url</c>), for the refusals that name it.</param>
/// <param name="Data">The bytes as sent; null until <see cref="Url"/> is fetched.</param>
/// <param name="Url">An http(s) URL not fetched yet.</param>
public sealed record ChatCompletionImage(string Param, byte[]? Data = null, Uri? Url = null);

/// <summary>A function the model may call: its name, what it does, and its parameters as a JSON schema.</summary>
public sealed record ChatCompletionTool(string Name, string? Description, JsonElement Parameters);

/// <summary>A call the model made earlier, sent back by the client with the results that follow it.</summary>
public sealed record ChatCompletionToolCall(string Id, string Name, string ArgumentsJson);
