using System.Net;
using System.Text.Json;
using MikuCloud.Api.Chat;
using OllamaSharp.Models.Exceptions;

namespace MikuCloud.Api.Turns;

/// <summary>What went wrong with Ollama, in the words and codes a user sees (an <c>error</c> event or a problem).</summary>
public static class OllamaFailures
{
    /// <summary>Whether the exception is Ollama (or the way to it) failing, rather than a bug.</summary>
    public static bool IsOllamaFailure(Exception ex) => ex is HttpRequestException or OllamaException or JsonException or IOException;

    /// <summary>The failure as an error for the user; <paramref name="watch"/> holds what the raw stream said.</summary>
    public static ErrorDto Describe(Exception ex, OllamaStreamWatch watch, Guid? messageId)
    {
        ArgumentNullException.ThrowIfNull(watch);
        var status = (ex as HttpRequestException)?.StatusCode ?? (HttpStatusCode?)watch.StatusCode;
        return (ex, status) switch
        {
            (HttpRequestException, HttpStatusCode.ServiceUnavailable) => new(ProblemCodes.Busy, "The model server is busy (Ollama's queue is full).", messageId),
            (HttpRequestException, HttpStatusCode.NotFound) => new(ProblemCodes.ModelUnavailable, watch.Error ?? "The model is not available yet (still downloading?).", messageId),
            (HttpRequestException, null or 0) => new(ProblemCodes.OllamaUnreachable, "The model server cannot be reached.", messageId),
            (HttpRequestException, _) => new(ProblemCodes.ModelError, watch.Error ?? $"Ollama answered {(int)status!}.", messageId),
            (IncompleteAnswerException, _) => new(ProblemCodes.IncompleteAnswer, ex.Message, messageId),
            (OllamaException, _) when status == HttpStatusCode.BadRequest => new(ProblemCodes.InvalidRequest, ex.Message, messageId),
            (OllamaException, _) => new(ProblemCodes.ModelError, ex.Message, messageId),
            (JsonException, _) => new(ProblemCodes.BadResponse, "Ollama sent a response that could not be read.", messageId),
            (TimeoutException, _) => new(ProblemCodes.Stalled, ex.Message, messageId),
            _ => new(ProblemCodes.ModelError, watch.Error ?? "The connection to the model server broke.", messageId),
        };
    }

    /// <summary>The HTTP status of a refusal in the first-response window: busy is 429, a bad request 400, the rest 503.</summary>
    public static int RefusalStatus(ErrorDto error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            ProblemCodes.Busy => 429,
            ProblemCodes.InvalidRequest => 400,
            _ => 503,
        };
    }
}
