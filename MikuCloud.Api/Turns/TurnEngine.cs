using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.Api.Knowledge;
using MikuCloud.Api.Models;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Turns;

/// <summary>
/// Runs a turn for any door: finds (or creates) the conversation, admits the turn (<see cref="TurnGate"/>), retrieves
/// from the conversation's knowledge bases (<see cref="TurnKnowledge"/>), saves the question (<see cref="TurnStore"/>),
/// plans the prompt (<see cref="TurnPrompt"/>) and starts the answer (<see cref="AnswerRunner"/>). Refusals are thrown as <see cref="ApiProblem"/>s before anything streams.
/// </summary>
public sealed partial class TurnEngine(TurnGate gate, TurnStore store, TurnImages images, TurnPrompt prompt, AnswerRunner answers,
    ConversationKnowledgeStore knowledge, TurnKnowledge retrieval, HouseModelCatalog catalog, ChatModelChoice models, IOptions<ChatServerOptions> chat, TimeProvider time)
{
    /// <summary>Admits and starts the turn; the door translates the run's events. <paramref name="cancellationToken"/> is the door's: cancelled, the answer stops (unless <see cref="TurnRequest.CancelOnDisconnect"/> is off).</summary>
    public async Task<TurnRun> StartAsync(TurnRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Transcript is { } transcript)
        {
            return await StartTranscriptAsync(request, transcript, cancellationToken);
        }

        if (request.ContinueFrom is { } continued)
        {
            return await StartContinueAsync(request, continued, cancellationToken);
        }

        var owner = request.OwnerId;
        var conversation = request.Start is { } start ? NewConversation(request, start) : await store.FindOwnedAsync(owner, request.ConversationId!.Value, cancellationToken);
        var (target, again) = request.Question is null ? await store.FindLastTurnAsync(conversation, request.AnswerAgainFrom!.Value, cancellationToken) : default;
        var parent = request.Start is not null ? null
            : again is not null ? again.ParentId
            : await store.ParentOfNewQuestionAsync(conversation, request.ParentId, request.EditOf, cancellationToken);
        // A stored conversation answers with its own model; a new one with the model it is created with.
        var model = await models.ResolveAsync(request.Start is null ? conversation.Model : request.Model, cancellationToken);
        var preset = models.PresetFor(model, ResolvePreset(request.PresetId ?? target?.PresetId ?? conversation.PresetId), named: request.PresetId is not null);
        if (request.Start is not null)
        {
            conversation.Model = model == models.Default ? null : model.Name;
            conversation.PresetId = preset.Id;
        }

        // A new conversation's bases are checked (404 for one the owner cannot read) before anything is admitted or saved.
        var baseIds = request.Start is { } begun
            ? await knowledge.ReadableAsync(owner, begun.KnowledgeBaseIds ?? [], cancellationToken)
            : await knowledge.OfAsync(owner, conversation.Id, cancellationToken);

        ChatModelChoice.CheckImages(model, request.Question?.Images.Count ?? again!.Images.Count);
        // A new conversation's options are its own (and reach this turn through them, as every later one).
        var overrides = request.Start is null ? ParseOverrides(request.Options) : [];
        await gate.CheckTokenBudgetAsync(owner, cancellationToken);
        var question = request.Question ?? new TurnQuestion(again!.Content, []);
        await gate.CheckImageQuotaAsync(owner, question.Images.Count, cancellationToken);
        var questionImages = again?.Images.OrderBy(i => i.Ordinal).ToList() ?? images.Process(question.Images, owner);

        var modelName = models.OllamaName(model);
        var options = GenerationOptions.Merge(model, preset, OptionOverrides.FromStored(conversation.OptionsJson), overrides);
        var history = await store.LoadHistoryAsync(conversation.Id, parent, cancellationToken);
        if (model.Purpose == ModelPurpose.Text)
        {
            // Images earlier in the conversation (answered by a vision model) are left out: a text model cannot see them.
            history = [.. history.Select(t => t.Images.Count == 0 ? t : t with { Images = [] })];
        }

        var next = new PromptTurn(MessageRole.User, question.Content, questionImages.Select(i => new PromptImage(i.Id, i.VisualTokens)).ToList());
        var tags = TurnTelemetry.Tags(modelName, preset.Id, next.Images.Count > 0 || history.Any(t => t.Images.Count > 0), request.Door);
        var systemPrompt = conversation.SystemPrompt ?? model.Modelfile.System;
        var passages = await retrieval.RetrieveAsync(owner, baseIds, question.Content, request.Door, cancellationToken);
        if (passages.Found.Count > 0)
        {
            systemPrompt = KnowledgePrompt.SystemPrompt(systemPrompt);
        }

        var plan = prompt.Plan(systemPrompt, history, next, options, request.Door, passages.Blocks);
        var citations = passages.Citations(plan.Passages.Count);

        var lease = await gate.EnterAsync(conversation.Id, owner, tags, request.CancelOnDisconnect, cancellationToken);
        return await AnswerAsync(lease, async () =>
        {
            options["num_predict"] = (long)plan.MaxOutputTokens;
            if (request.Start is not null)
            {
                await knowledge.ReplaceAsync(conversation.Id, baseIds, cancellationToken); // saved with the question
            }

            var (saved, answer) = await store.SaveQuestionAsync(new QuestionToSave(conversation, request.Start is not null, question.Content, questionImages,
                again, preset.Id, modelName, OptionOverrides.ToJson(options).ToJsonString())
            {
                CitationsJson = CitationsJson.Write(citations),
                ParentId = parent,
            }, cancellationToken);
            var messages = await prompt.MessagesAsync(systemPrompt, plan, questionImages, cancellationToken);
            return new AnswerCall(owner, request.Start is null ? null : conversation, saved, answer, messages,
                GenerationOptions.ToChatOptions(options, modelName, chat.Value.KeepAlive), plan, tags)
            {
                Door = request.Door,
                AffinityKey = TurnAffinity.OfConversation(conversation.Id),
                KnowledgeBaseIds = baseIds,
                Citations = citations,
            };
        }, cancellationToken);
    }

    /// <summary>
    /// Starts an admitted turn's answer; <paramref name="prepare"/> saves what the turn saves and builds its call.
    /// Refused before the answer ran (or the question could not be saved): the slots go back at once.
    /// </summary>
    private async Task<TurnRun> AnswerAsync(TurnLease lease, Func<Task<AnswerCall>> prepare, CancellationToken cancellationToken)
    {
        AnswerCall? call = null;
        try
        {
            call = await prepare();
            return await answers.StartAsync(call, lease, cancellationToken);
        }
        catch
        {
            if (call is not null)
            {
                await answers.RecordTokensAsync(call);
            }

            lease.Dispose();
            throw;
        }
    }

    /// <summary>The conversation a first message creates (saved with it): the one create rules, 400 for what breaks them.</summary>
    private Conversation NewConversation(TurnRequest request, NewConversation start)
    {
        var preset = ResolvePreset(request.PresetId);
        ParseOverrides(request.Options); // the message endpoint's codes for bad options, before the conversation's own rules
        var now = Timestamps.Now(time);
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(), OwnerId = request.OwnerId, Title = "", PresetId = preset.Id, CreatedAt = now, UpdatedAt = now,
        };
        var fields = new JsonObject { ["title"] = start.Title, ["systemPrompt"] = start.SystemPrompt, ["options"] = request.Options?.DeepClone() };
        return ConversationFields.Apply(JsonSerializer.SerializeToElement(fields), conversation, catalog) is { Count: > 0 } errors
            ? throw new ApiProblem(400, ProblemCodes.InvalidRequest, "Some fields are not valid.", errors)
            : conversation;
    }

    private Preset ResolvePreset(string? id) =>
        (string.IsNullOrWhiteSpace(id) ? catalog.DefaultPreset : catalog.FindPreset(id))
        ?? throw ApiProblem.Invalid("presetId", $"Unknown preset '{Requests.Echo.Cap(id!)}'. Known: {string.Join(", ", catalog.Presets.Select(p => p.Id))}.");

    private static Dictionary<string, object> ParseOverrides(JsonObject? options)
    {
        var values = OptionOverrides.Parse(options, out var errors);
        return errors.Count > 0 ? throw new ApiProblem(400, ProblemCodes.InvalidOptions, "Some options are not valid.", errors) : values;
    }
}
