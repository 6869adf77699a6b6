using System.Text.Json;
using System.Text.Json.Nodes;
using MikuCloud.Api.Requests;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// Reads a <c>POST /v1/chat/completions</c> body into a <see cref="ChatCompletionRequest"/>, refusing — as a 400 that
/// names the field the way OpenAI's <c>param</c> does — what is malformed, outside the ranges MikuCloud gives Ollama,
/// or asks for something this door cannot do (<c>n</c> &gt; 1, <c>logprobs</c>, audio).
/// </summary>
/// <remarks>
/// Fields the door does not use and that change nothing about the answer (<c>metadata</c>, <c>service_tier</c>,
/// <c>parallel_tool_calls</c>…) are ignored, as OpenAI-compatible servers commonly do, so that SDK defaults never break
/// a call. A <c>null</c> is always "not given".
/// </remarks>
public static class ChatCompletionReader
{
    /// <summary>Most messages one request may carry (a long chat is a few hundred).</summary>
    public const int MaxMessages = 2_000;

    /// <summary>Most tools one request may declare (OpenAI's own limit).</summary>
    public const int MaxTools = 128;

    /// <summary>Reads <paramref name="body"/>; throws <see cref="ApiProblem"/> (400) naming the first bad field.</summary>
    public static ChatCompletionRequest Read(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var model = Field(body, "model") is JsonValue m && m.TryGetValue<string>(out var id) && !string.IsNullOrWhiteSpace(id)
            ? id
            : throw Invalid("model", "model is required: one of the ids GET /v1/models lists.");

        Unsupported(body);
        var messages = Field(body, "messages") as JsonArray is { Count: > 0 } list
            ? ChatCompletionMessageReader.ReadAll(list)
            : throw Invalid("messages", "messages must be a non-empty array.");
        if (messages.Count > MaxMessages)
        {
            throw Invalid("messages", $"At most {MaxMessages:N0} messages per request.");
        }

        var tools = ReadTools(Field(body, "tools"));
        return new ChatCompletionRequest(
            model, messages, ReadOptions(body), ReadFormat(Field(body, "response_format")), tools, ReadToolChoice(Field(body, "tool_choice"), tools),
            Stream: Bool(body, "stream"),
            IncludeUsage: Field(body, "stream_options") is JsonObject so && Bool(so, "include_usage", "stream_options.include_usage"),
            Store: Bool(body, "store"),
            User: Field(body, "user") is { } u ? String(u, "user") : null);
    }

    internal static ApiProblem Invalid(string param, string message) => ApiProblem.Invalid(param, message);

    internal static JsonNode? Field(JsonObject o, string name) => o.TryGetPropertyValue(name, out var v) ? v : null;

    internal static string String(JsonNode node, string param) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Invalid(param, $"{param} must be a string.");

    private static bool Bool(JsonObject o, string name, string? param = null) => Field(o, name) switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw Invalid(param ?? name, $"{param ?? name} must be true or false."),
    };

    /// <summary>The parts of the protocol this door does not implement: refused by name rather than silently ignored.</summary>
    private static void Unsupported(JsonObject body)
    {
        if (Field(body, "n") is { } n && !(n is JsonValue nv && nv.TryGetValue<long>(out var count) && count == 1))
        {
            throw Invalid("n", "Only n = 1 is supported: ask again for another answer.");
        }

        if (Field(body, "logprobs") is JsonValue lp && lp.TryGetValue<bool>(out var wantsLogprobs) && wantsLogprobs || Field(body, "top_logprobs") is not null)
        {
            throw Invalid(Field(body, "top_logprobs") is not null ? "top_logprobs" : "logprobs", "Log probabilities are not supported by this server.");
        }

        if (Field(body, "logit_bias") is JsonObject { Count: > 0 })
        {
            throw Invalid("logit_bias", "logit_bias is not supported by this server.");
        }

        if (Field(body, "audio") is not null || Field(body, "modalities") is JsonArray modalities && modalities.Any(x => x?.ToString() != "text"))
        {
            throw Invalid(Field(body, "audio") is not null ? "audio" : "modalities", "Only text output is supported.");
        }
    }

    /// <summary>OpenAI's sampling fields under Ollama's option names, checked against the same ranges as the chat API's options.</summary>
    private static JsonObject ReadOptions(JsonObject body)
    {
        var options = new JsonObject();
        Number(body, "temperature", "temperature", options);
        Number(body, "top_p", "top_p", options);
        Number(body, "presence_penalty", "presence_penalty", options);
        Number(body, "frequency_penalty", "frequency_penalty", options);
        Number(body, "seed", "seed", options);
        // max_completion_tokens replaced max_tokens in OpenAI's API; both are accepted, the newer one wins.
        Number(body, "max_tokens", "num_predict", options);
        Number(body, "max_completion_tokens", "num_predict", options);
        if (Field(body, "stop") is { } stop)
        {
            var items = stop is JsonArray array ? array.Select((x, i) => x is null ? null : String(x, $"stop[{i}]")).ToList() : [String(stop, "stop")];
            if (items.Count > Chat.OptionOverrides.MaxStopSequences || items.Any(s => s is null || s.Length is 0 or > Chat.OptionOverrides.MaxStopLength))
            {
                throw Invalid("stop", $"stop must be a string or up to {Chat.OptionOverrides.MaxStopSequences} non-empty strings of at most {Chat.OptionOverrides.MaxStopLength} characters.");
            }

            options["stop"] = new JsonArray([.. items.Select(s => JsonValue.Create(s))]);
        }

        return options;
    }

    private static void Number(JsonObject body, string field, string option, JsonObject options)
    {
        if (Field(body, field) is not { } node)
        {
            return;
        }

        OllamaParameters.TryGet(option, out var spec);
        var integer = spec.Kind == ParameterKind.Integer;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number
            || (integer ? !value.TryGetValue<long>(out _) : !double.IsFinite(value.GetValue<double>())))
        {
            throw Invalid(field, $"{field} must be {(integer ? "a whole number" : "a number")}.");
        }

        var number = integer ? value.GetValue<long>() : value.GetValue<double>();
        if (number < spec.Min || number > spec.Max)
        {
            throw Invalid(field, $"{field} must be between {spec.Min:0.##} and {spec.Max:0.##}.");
        }

        options[option] = integer ? JsonValue.Create((long)number) : JsonValue.Create(number);
    }

    /// <summary><c>response_format</c> as Ollama's <c>format</c>: <c>"json"</c> for JSON mode, the schema itself for structured output.</summary>
    private static JsonNode? ReadFormat(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var type = node is JsonObject o && Field(o, "type") is { } t ? String(t, "response_format.type") : throw Invalid("response_format", "response_format must be an object with a type.");
        return type switch
        {
            "text" => null,
            "json_object" => JsonValue.Create("json"),
            "json_schema" => Field((JsonObject)node, "json_schema") is JsonObject js && Field(js, "schema") is JsonObject schema
                ? schema.DeepClone()
                : throw Invalid("response_format.json_schema.schema", "json_schema needs a schema object."),
            _ => throw Invalid("response_format.type", $"response_format.type must be text, json_object or json_schema, not '{Echo.Cap(type)}'."),
        };
    }

    private static List<ChatCompletionTool> ReadTools(JsonNode? node)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array || array.Count > MaxTools)
        {
            throw Invalid("tools", $"tools must be an array of at most {MaxTools} functions.");
        }

        var tools = new List<ChatCompletionTool>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var param = $"tools[{i}]";
            if (array[i] is not JsonObject tool || Field(tool, "type")?.ToString() != "function" || Field(tool, "function") is not JsonObject function)
            {
                throw Invalid(param, "Each tool must be {\"type\": \"function\", \"function\": {…}}.");
            }

            var name = Field(function, "name") is { } n ? String(n, $"{param}.function.name") : "";
            if (!ToolNames.IsValid(name))
            {
                throw Invalid($"{param}.function.name", "A function name is 1–64 letters, digits, '_' or '-'.");
            }

            var description = Field(function, "description") is { } d ? String(d, $"{param}.function.description") : null;
            var parameters = Field(function, "parameters") switch
            {
                null => JsonSerializer.SerializeToElement(new { type = "object", properties = new { } }),
                JsonObject schema => JsonSerializer.SerializeToElement(schema),
                _ => throw Invalid($"{param}.function.parameters", "parameters must be a JSON schema object."),
            };
            tools.Add(new ChatCompletionTool(name, description, parameters));
        }

        return tools;
    }

    private static string ReadToolChoice(JsonNode? node, List<ChatCompletionTool> tools)
    {
        var choice = node switch
        {
            null => "auto",
            JsonValue => String(node, "tool_choice"),
            JsonObject o when Field(o, "function") is JsonObject f && Field(f, "name") is { } n => String(n, "tool_choice.function.name"),
            _ => throw Invalid("tool_choice", "tool_choice must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": …}}."),
        };
        if (node is JsonValue && choice is not ("none" or "auto" or "required"))
        {
            throw Invalid("tool_choice", "tool_choice must be none, auto or required.");
        }

        if (node is JsonObject && tools.All(t => t.Name != choice) || choice == "required" && tools.Count == 0)
        {
            throw Invalid("tool_choice", "tool_choice names a function that is not in tools.");
        }

        return choice;
    }
}
