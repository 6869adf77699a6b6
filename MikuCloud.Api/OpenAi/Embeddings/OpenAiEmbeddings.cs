using System.Net;
using System.Runtime.InteropServices;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Limits;
using MikuCloud.Api.Models;
using MikuCloud.Api.Turns;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// Answers an embeddings request with a house embedding model through Ollama's <c>/api/embed</c>: only an embedding model
/// that is on; the caller's token budget applies and is charged with the tokens read; one span
/// (<c>mikucloud.embeddings</c>) with counts, never the texts. Ollama's refusals become the API's problems.
/// </summary>
public sealed class OpenAiEmbeddings(HouseModelSwitches switches, HouseModelCatalog catalog, OllamaModelClient ollama, TurnGate gate, TokenBudget budget)
{
    /// <summary>The vectors for <paramref name="request"/>, one per input in order, for <paramref name="ownerId"/>.</summary>
    public async Task<EmbeddingList> EmbedAsync(string ownerId, EmbeddingRequest request, string door, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = await ResolveAsync(request.Model, cancellationToken);
        await gate.CheckTokenBudgetAsync(ownerId, cancellationToken);
        using var span = ChatTelemetry.Source.StartActivity("mikucloud.embeddings");
        span?.SetTag(ChatTelemetry.DoorTag, door);
        span?.SetTag(ChatTelemetry.ModelTag, model);
        span?.SetTag("mikucloud.embeddings.inputs", request.Inputs.Count);
        OllamaEmbeddings answer;
        try
        {
            // truncate false: a text longer than the model's context is refused, as OpenAI refuses it, never silently cut.
            answer = await ollama.EmbedAsync(model, request.Inputs, request.Dimensions, truncate: false, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is OllamaApiException or HttpRequestException)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            throw Refusal(model, ex);
        }

        await budget.RecordAsync(ownerId, answer.PromptEvalCount, CancellationToken.None);
        span?.SetTag("gen_ai.usage.input_tokens", answer.PromptEvalCount);
        if (answer.Embeddings.Count != request.Inputs.Count)
        {
            throw new ApiProblem(502, ProblemCodes.BadResponse, $"The model server answered {answer.Embeddings.Count} vectors for {request.Inputs.Count} texts.");
        }

        var data = answer.Embeddings.Select((vector, i) => new EmbeddingObject("embedding", i, request.Base64 ? Base64(vector) : vector)).ToList();
        return new EmbeddingList("list", data, model, new EmbeddingUsage(answer.PromptEvalCount, answer.PromptEvalCount));
    }

    /// <summary>An embedding model that is on; a chat model or one that is off is a 400, any other id OpenAI's 404.</summary>
    private async Task<string> ResolveAsync(string id, CancellationToken cancellationToken)
    {
        var enabled = await switches.EnabledAsync(cancellationToken);
        if (OpenAiModelIds.Embeddings(enabled).FirstOrDefault(n => string.Equals(n, id, StringComparison.OrdinalIgnoreCase)) is { } name)
        {
            return name;
        }

        if (catalog.FindModel(OpenAiModelIds.NameOf(id) ?? "") is not { } known)
        {
            throw OpenAiModelEndpoints.NotFound(id);
        }

        var on = string.Join(", ", OpenAiModelIds.Embeddings(enabled));
        var message = known.Purpose == ModelPurpose.Embedding
            ? $"{known.Name} is off: an admin turns it on on the Models page."
            : $"{known.Name} is a chat model; embeddings need an embedding model ({(on.Length > 0 ? on : "none is on")}).";
        throw new ApiProblem(400, ProblemCodes.InvalidModel, message, new Dictionary<string, string[]> { ["model"] = [message] });
    }

    private static ApiProblem Refusal(string model, Exception ex) => ex switch
    {
        OllamaApiException { StatusCode: HttpStatusCode.BadRequest } api =>
            new ApiProblem(400, ProblemCodes.ContextOverflow, $"The model refused the input: {Requests.Echo.Cap(api.Message, 200)}. Send shorter texts."),
        OllamaApiException { StatusCode: HttpStatusCode.NotFound } =>
            new ApiProblem(503, ProblemCodes.ModelUnavailable, $"The embedding model {model} is not available on the model server yet."),
        OllamaApiException api => new ApiProblem(502, ProblemCodes.ModelError, $"The model server failed: {Requests.Echo.Cap(api.Message, 200)}"),
        _ => new ApiProblem(503, ProblemCodes.OllamaUnreachable, "The model server cannot be reached."),
    };

    /// <summary>OpenAI's base64 form: the float32 values' little-endian bytes.</summary>
    private static string Base64(float[] vector) =>
        BitConverter.IsLittleEndian
            ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()))
            : Convert.ToBase64String([.. vector.SelectMany(v => BitConverter.GetBytes(v).Reverse())]);
}
