using MikuCloud.Api.Chat;
using MikuCloud.Api.Models;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Turns;

public sealed partial class TurnEngine
{
    /// <summary>
    /// More of a cut-off or stopped answer: the model gets the branch down to the question and the answer so far as the
    /// last assistant message, which Ollama continues rather than answering anew (its chat templates leave a trailing
    /// assistant turn open). The new text streams as deltas and is appended to the same message; usage and timings add up.
    /// The same admission, limits and telemetry as any turn.
    /// </summary>
    private async Task<TurnRun> StartContinueAsync(TurnRequest request, Guid answerId, CancellationToken cancellationToken)
    {
        var owner = request.OwnerId;
        var conversation = await store.FindOwnedAsync(owner, request.ConversationId!.Value, cancellationToken);
        var (answer, question) = await store.FindContinuableAsync(conversation, answerId, cancellationToken);
        var model = await models.ResolveAsync(conversation.Model, cancellationToken);
        var preset = models.PresetFor(model, ResolvePreset(answer.PresetId ?? conversation.PresetId), named: false);
        ChatModelChoice.CheckImages(model, question.Images.Count);
        await gate.CheckTokenBudgetAsync(owner, cancellationToken);

        var modelName = models.OllamaName(model);
        var options = GenerationOptions.Merge(model, preset, OptionOverrides.FromStored(conversation.OptionsJson));
        var history = await store.LoadHistoryAsync(conversation.Id, question.Id, cancellationToken);
        if (model.Purpose == ModelPurpose.Text)
        {
            history = [.. history.Select(t => t.Images.Count == 0 ? t : t with { Images = [] })];
        }

        var partial = new PromptTurn(MessageRole.Assistant, answer.Content, []);
        var tags = TurnTelemetry.Tags(modelName, preset.Id, history.Any(t => t.Images.Count > 0), request.Door);
        var systemPrompt = conversation.SystemPrompt ?? model.Modelfile.System;
        var plan = prompt.Plan(systemPrompt, history, partial, options, request.Door);

        var lease = await gate.EnterAsync(conversation.Id, owner, tags, cancellationToken);
        return await AnswerAsync(lease, async () =>
        {
            options["num_predict"] = (long)plan.MaxOutputTokens;
            var before = ContinuedAnswer.Of(answer);
            await store.ReopenAnswerAsync(conversation, answer, cancellationToken);
            var messages = await prompt.MessagesAsync(systemPrompt, plan, [], cancellationToken);
            return new AnswerCall(owner, null, question, answer, messages, GenerationOptions.ToChatOptions(options, modelName, chat.Value.KeepAlive), plan, tags)
            {
                Door = request.Door,
                AffinityKey = TurnAffinity.OfConversation(conversation.Id),
                Continues = before,
            };
        }, cancellationToken);
    }
}
