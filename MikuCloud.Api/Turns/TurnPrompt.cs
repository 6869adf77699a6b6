using System.Diagnostics;
using Microsoft.Extensions.AI;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiChatRole = Microsoft.Extensions.AI.ChatRole;

namespace MikuCloud.Api.Turns;

/// <summary>
/// The prompt of a turn: what of the history fits the context with the question (images and old turns give way
/// first), and the messages sent to the model, with the question's image bytes from memory and the history's from the database.
/// </summary>
public sealed class TurnPrompt(PromptBuilder builder, TurnStore store, TurnTelemetry telemetry)
{
    /// <summary>
    /// Plans the prompt, with the knowledge <paramref name="passages"/> (best first) that fit; 400 <c>context_overflow</c>
    /// when the question itself cannot fit.
    /// </summary>
    public PromptPlan Plan(string? systemPrompt, IReadOnlyList<PromptTurn> history, PromptTurn next, IReadOnlyDictionary<string, object> options, string door,
        IReadOnlyList<string>? passages = null)
    {
        using var span = ChatTelemetry.Source.StartActivity("mikucloud.chat.build_prompt");
        span?.SetTag("mikucloud.door", door);
        PromptPlan plan;
        try
        {
            plan = builder.Build(systemPrompt, history, next, GenerationOptions.NumCtx(options), GenerationOptions.NumPredict(options), passages);
        }
        catch (PromptTooLargeException ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ProblemCodes.ContextOverflow);
            throw new ApiProblem(400, ProblemCodes.ContextOverflow, ex.Message);
        }

        span?.SetTag("mikucloud.prompt.estimated_tokens", plan.EstimatedPromptTokens);
        span?.SetTag("mikucloud.prompt.images_omitted", plan.ImagesOmitted);
        span?.SetTag("mikucloud.prompt.turns_dropped", plan.TurnsDropped);
        span?.SetTag("gen_ai.request.max_tokens", plan.MaxOutputTokens);
        if (passages is { Count: > 0 })
        {
            span?.SetTag("mikucloud.prompt.passages", plan.Passages.Count);
            span?.SetTag("mikucloud.prompt.passages_trimmed", plan.PassagesTrimmed);
        }

        telemetry.ContextTrimmed(plan.ImagesOmitted, plan.TurnsDropped, plan.PassagesTrimmed);
        return plan;
    }

    /// <summary>
    /// The planned turns as chat messages. <paramref name="questionImages"/> are in memory already (just processed, or
    /// loaded with the question answered again): only history images are read, and only those that fit.
    /// </summary>
    public async Task<List<AiChatMessage>> MessagesAsync(string? systemPrompt, PromptPlan plan, IReadOnlyList<StoredImage> questionImages,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var inMemory = questionImages.ToDictionary(i => i.Id, i => (i.MediaType, i.Data));
        var missing = plan.Turns.SelectMany(t => t.Images).Select(i => i.Id).Where(id => !inMemory.ContainsKey(id)).ToHashSet();
        var bytes = await store.ImageBytesAsync(missing, cancellationToken);
        foreach (var (id, image) in inMemory)
        {
            bytes[id] = image;
        }

        var messages = new List<AiChatMessage>(plan.Turns.Count + 1);
        if (!string.IsNullOrWhiteSpace(systemPrompt))
        {
            messages.Add(new AiChatMessage(AiChatRole.System, systemPrompt));
        }

        for (var i = 0; i < plan.Turns.Count; i++)
        {
            var turn = plan.Turns[i];
            var contents = new List<AIContent>();
            var text = turn.ImagesOmitted > 0
                ? string.Concat(Enumerable.Repeat(PromptBuilder.ImagePlaceholder + "\n", turn.ImagesOmitted)) + turn.Content
                : turn.Content;
            if (i == plan.Turns.Count - 1)
            {
                text = PromptBuilder.WithPassages(plan.Passages, text); // the new turn: the passages come first
            }

            contents.Add(new TextContent(text));
            foreach (var image in turn.Images)
            {
                var (mediaType, data) = bytes[image.Id];
                contents.Add(new DataContent(data, mediaType));
            }

            messages.Add(new AiChatMessage(turn.Role == MessageRole.User ? AiChatRole.User : AiChatRole.Assistant, contents));
        }

        return messages;
    }
}
