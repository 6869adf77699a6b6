using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace MikuCloud.Api.Chat;

/// <summary>
/// What the raw Ollama stream said that OllamaSharp's <c>IChatClient</c> does not surface: an <c>{"error": …}</c> line
/// inside a 200 stream (OllamaSharp yields an empty update and carries on), and the error body of a non-2xx answer.
/// One per call, handed down explicitly: in the call's <see cref="ChatOptions"/> (<see cref="AttachTo"/>) to
/// <see cref="OllamaOutcomeChatClient"/> and <see cref="WatchedOllamaChatClient"/>, which gives it to this call's
/// <see cref="OllamaStreamWatchHandler"/>. (OllamaSharp's IChatClient passes nothing per call to the HTTP layer — it
/// reads the response without the call's token and applies no per-call headers — so no ambient state is needed either.)
/// </summary>
public sealed class OllamaStreamWatch
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key; OllamaSharp reads only Ollama option names there.</summary>
    public const string OptionKey = "mikucloud.ollama_watch";

    /// <summary>Ollama's error text, from an error line or an error body.</summary>
    [JsonIgnore]
    public string? Error { get; set; }

    /// <summary>The HTTP status Ollama answered with.</summary>
    [JsonIgnore]
    public int? StatusCode { get; set; }

    /// <summary>
    /// The failure that made the turn stop reading (a stall), set before the response is aborted: the chat span reports
    /// it instead of treating the abort as a Stop.
    /// </summary>
    [JsonIgnore]
    public Exception? AbortedBy { get; set; }

    /// <summary>Cancelled when the turn ends early (client gone, conversation deleted): the response is then aborted.</summary>
    [JsonIgnore]
    public CancellationToken Cancellation { get; init; }

    /// <summary>The Ollama replica the router chose for this call (null: the connection string's endpoint).</summary>
    [JsonIgnore]
    public Uri? Replica { get; init; }

    /// <summary>Hands this watch to the chat client layers with the call's options.</summary>
    public void AttachTo(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[OptionKey] = this;
    }

    /// <summary>The watch a call's options carry, if any.</summary>
    public static OllamaStreamWatch? From(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(OptionKey, out var watch) == true ? watch as OllamaStreamWatch : null;

    /// <summary>Not its state: telemetry that records options (with content recording on) sees only this.</summary>
    public override string ToString() => nameof(OllamaStreamWatch);
}
