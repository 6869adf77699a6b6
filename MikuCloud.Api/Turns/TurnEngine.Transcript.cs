using MikuCloud.Api.Chat;
using MikuCloud.Api.Data;
using MikuCloud.Api.Models;

namespace MikuCloud.Api.Turns;

public sealed partial class TurnEngine
{
    /// <summary>
    /// A turn over a history the caller sent: the same preset and option rules, token budget, image pipeline, admission,
    /// answer stream and telemetry as a conversation's turn — only nothing is stored, and the history is not trimmed
    /// (the caller owns it: a history that does not fit is a 400, as OpenAI answers it).
    /// </summary>
    private async Task<TurnRun> StartTranscriptAsync(TurnRequest request, Transcript transcript, CancellationToken cancellationToken)
    {
        var owner = request.OwnerId;
        var model = await models.ResolveAsync(request.Model, cancellationToken);
        var preset = models.PresetFor(model, ResolvePreset(request.PresetId), named: request.PresetId is not null);
        ChatModelChoice.CheckImages(model, transcript.Messages.Sum(m => m.Images?.Count ?? 0));
        var overrides = ParseOverrides(request.Options);
        var stored = request.StoreTranscript ? StoredConversation(request, transcript) : null;
        if (stored is not null)
        {
            stored.Model = model == models.Default ? null : model.Name;
            stored.PresetId = preset.Id;
        }

        await gate.CheckTokenBudgetAsync(owner, cancellationToken);
        if (stored is not null)
        {
            await gate.CheckImageQuotaAsync(owner, transcript.Messages.Sum(m => m.Images?.Count ?? 0), cancellationToken);
        }

        var modelName = models.OllamaName(model);
        var options = GenerationOptions.Merge(model, preset, overrides);

        // Images go through the same pipeline as uploads (validation, bombs, EXIF, pixel budget); the image quota
        // applies only when they are stored (checked above).
        var processed = transcript.Messages.Select(m => request.ImagesProcessed ? images.AlreadyProcessed(m.Images ?? [], owner) : images.Process(m.Images ?? [], owner)).ToList();
        var systemPrompt = transcript.Messages.Any(m => m.Role == TranscriptMessages.System) ? null : model.Modelfile.System;
        var (history, next) = TranscriptMessages.ToPromptTurns(transcript, processed);
        var tags = TurnTelemetry.Tags(modelName, preset.Id, processed.Any(i => i.Count > 0), request.Door);
        var plan = prompt.Plan(systemPrompt, history, next, options, request.Door);
        if (plan.TurnsDropped > 0 || plan.ImagesOmitted > 0)
        {
            throw new ApiProblem(400, ProblemCodes.ContextOverflow,
                $"The messages need more than the model's context of {GenerationOptions.NumCtx(options):N0} tokens. Send fewer or shorter messages, fewer images, or raise num_ctx.");
        }

        // Unstored, a transcript turn has no conversation: its own id keeps ActiveTurns' one-answer rule out of the way.
        var lease = request.Background
            ? gate.EnterBackground(cancellationToken)
            : await gate.EnterAsync(stored?.Id ?? Guid.NewGuid(), owner, tags, cancellationToken);
        return await AnswerAsync(lease, async () =>
        {
            options["num_predict"] = (long)plan.MaxOutputTokens;
            var chatOptions = GenerationOptions.ToChatOptions(options, modelName, chat.Value.KeepAlive);
            TranscriptMessages.ApplyForm(transcript, chatOptions);
            var last = transcript.Messages[^1];
            Message question, answer;
            if (stored is not null)
            {
                var earlier = transcript.Messages.Take(transcript.Messages.Count - 1).Select((m, i) => (m, i)).Where(x => x.m.Role != TranscriptMessages.System)
                    .Select(x => new EarlierMessage(x.m.Role == TranscriptMessages.User ? MessageRole.User : MessageRole.Assistant, x.m.Text, processed[x.i])).ToList();
                var toSave = new QuestionToSave(stored, true, last.Text, processed[^1], null, preset.Id, modelName, OptionOverrides.ToJson(options).ToJsonString())
                {
                    Earlier = earlier,
                };
                (question, answer) = await store.SaveQuestionAsync(toSave, cancellationToken);
            }
            else
            {
                var now = Timestamps.Now(time);
                question = new Message { Id = Guid.NewGuid(), Role = MessageRole.User, Content = last.Text, Status = MessageStatus.Complete, CreatedAt = now };
                answer = new Message
                {
                    Id = Guid.NewGuid(), Role = MessageRole.Assistant, Content = "", Status = MessageStatus.Streaming, PresetId = preset.Id,
                    Model = modelName, CreatedAt = now,
                };
            }

            var messages = TranscriptMessages.ToChatMessages(systemPrompt, transcript, processed);
            return new AnswerCall(owner, stored, question, answer, messages, chatOptions, plan, tags)
            {
                Persist = stored is not null,
                Door = request.Door,
                // Background work (batch items, knowledge pages) has no prefix to come back to: it spreads by load.
                AffinityKey = request.Background ? null : TurnAffinity.OfTranscript(owner, messages),
            };
        }, cancellationToken);
    }

    /// <summary>
    /// The conversation a stored transcript becomes: its system messages as the system prompt, titled by the first
    /// question. Only what a conversation can hold: text and images from the user and the assistant.
    /// </summary>
    private Conversation StoredConversation(TurnRequest request, Transcript transcript)
    {
        if (transcript.Tools is { Count: > 0 } || transcript.Messages.Any(m => m.Role == TranscriptMessages.Tool || m.ToolCalls is { Count: > 0 }))
        {
            throw ApiProblem.Invalid("store", "A stored exchange holds text and images; tool calls cannot be stored. Send store: false.");
        }

        if (transcript.Messages[^1].Role != TranscriptMessages.User)
        {
            throw ApiProblem.Invalid("store", "A stored exchange ends with the user's question.");
        }

        var system = string.Join("\n\n", transcript.Messages.Where(m => m.Role == TranscriptMessages.System).Select(m => m.Text));
        return NewConversation(request, new NewConversation(null, system.Length > 0 ? system : null));
    }
}
