using System.Text.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.Api.Turns;

/// <summary>
/// A turn whose history the caller sends rather than a stored conversation (the OpenAI-compatible door, MCP tools,
/// batch items): the messages as they are, plus what the caller asks of the answer's form.
/// </summary>
/// <param name="Messages">Oldest first; sent to the model as they are (never trimmed: the caller owns this history).</param>
/// <param name="Format">Ollama's <c>format</c>: <c>"json"</c> or a JSON schema; null for free text.</param>
/// <param name="Tools">Functions the model may call.</param>
/// <param name="ToolChoice"><c>auto</c>, <c>none</c>, <c>required</c>, or one function's name.</param>
public sealed record Transcript(IReadOnlyList<TranscriptMessage> Messages, JsonNode? Format = null,
    IReadOnlyList<TranscriptTool>? Tools = null, string ToolChoice = "auto");

/// <summary>One message of a <see cref="Transcript"/>: <c>system</c>, <c>user</c> (with images), <c>assistant</c> (maybe calls) or <c>tool</c> (a call's result).</summary>
public sealed record TranscriptMessage(string Role, string Text, IReadOnlyList<byte[]>? Images = null,
    IReadOnlyList<TranscriptToolCall>? ToolCalls = null, string? ToolCallId = null);

/// <summary>A function call the model made (its arguments as JSON text).</summary>
public sealed record TranscriptToolCall(string Id, string Name, string ArgumentsJson);

/// <summary>A function the model may call, with its parameters' JSON schema.</summary>
public sealed record TranscriptTool(string Name, string? Description, JsonElement Parameters);
