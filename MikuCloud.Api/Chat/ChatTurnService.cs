using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;
using MikuCloud.Api.Images;
using MikuCloud.Api.Limits;
using MikuCloud.Api.Models;
using MikuCloud.HouseModels;
using ChatDoneResponseStream = OllamaSharp.Models.Chat.ChatDoneResponseStream;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiChatRole = Microsoft.Extensions.AI.ChatRole;

namespace MikuCloud.Api.Chat;

/// <summary>
/// One chat turn, end to end: validate, admit, persist the user's message, stream the answer from Ollama as
/// server-sent events, and persist the answer with its status, usage and timings — whatever happens to the client
/// or to Ollama on the way.
/// </summary>
public sealed partial class ChatTurnService(
    ChatDbContext db,
    IChatClient chatClient,
    HouseModelCatalog catalog,
    OllamaEndpoint endpoint,
    ImagePipeline images,
    PromptBuilder promptBuilder,
    TokenEstimator estimator,
    AdmissionControl admission,
    ActiveTurns active,
    UserLimits limits,
    TokenBudget tokenBudget,
    StreamSlots streamSlots,
    IOptions<ChatSettings> settings,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ChatTelemetry telemetry,
    TimeProvider time,
    ILogger<ChatTurnService> logger)
{
    private readonly ChatSettings chat = settings.Value;

    /// <summary>A new user message and its answer.</summary>
    public async Task SendAsync(Guid conversationId, ChatInput input, HttpContext http)
    {
        var ct = http.RequestAborted;
        var conversation = await FindConversationAsync(conversationId, http, ct);
        var preset = ResolvePreset(input.PresetId ?? conversation.PresetId);
        var overrides = ParseOverrides(input.Options);
        await AskAsync(conversation, preset, overrides, input, http, created: false);
    }

    /// <summary>
    /// A new conversation and its first message's answer, in one call: the conversation is created with the question
    /// (nothing exists when the turn is refused before its stream starts), and the stream begins with it.
    /// </summary>
    public async Task StartConversationAsync(ChatInput input, HttpContext http)
    {
        var preset = ResolvePreset(input.PresetId);
        ParseOverrides(input.Options); // the message endpoint's codes for bad options, before the conversation's own rules
        var now = Timestamps.Now(time);
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(), OwnerId = CurrentOwner.Of(http), Title = "", PresetId = preset.Id, CreatedAt = now, UpdatedAt = now,
        };
        var fields = new System.Text.Json.Nodes.JsonObject { ["title"] = input.Title, ["systemPrompt"] = input.SystemPrompt, ["options"] = input.Options?.DeepClone() };
        if (ConversationFields.Apply(JsonSerializer.SerializeToElement(fields), conversation, catalog) is { Count: > 0 } errors)
        {
            throw new ApiProblem(400, ProblemCodes.InvalidRequest, "Some fields are not valid.", errors);
        }

        // The options are the conversation's from now on, and apply to this turn through them, as to every later one.
        await AskAsync(conversation, preset, [], input, http, created: true);
    }

    private async Task AskAsync(Conversation conversation, Preset preset, Dictionary<string, object> overrides, ChatInput input, HttpContext http, bool created)
    {
        var ct = http.RequestAborted;
        CheckTokenBudget(conversation.OwnerId);
        await CheckImageQuotaAsync(conversation.OwnerId, input.Images.Count, ct);

        var processed = new List<ProcessedImage>(input.Images.Count);
        for (var i = 0; i < input.Images.Count; i++)
        {
            processed.Add(ProcessImage(input.Images[i], i));
        }

        var next = new PromptTurn(MessageRole.User, input.Content, processed.Select(p => new PromptImage(Guid.Empty, p.VisualTokens)).ToList());
        await RunTurnAsync(conversation, preset, overrides, next, http, persistUser: async () =>
        {
            if (created)
            {
                db.Conversations.Add(conversation);
            }

            var message = NewMessage(conversation, MessageRole.User, input.Content, preset.Id);
            message.Status = MessageStatus.Complete;
            message.CompletedAt = message.CreatedAt;
            for (var i = 0; i < processed.Count; i++)
            {
                var p = processed[i];
                message.Images.Add(new StoredImage
                {
                    Id = Guid.NewGuid(), OwnerId = conversation.OwnerId, Ordinal = i, MediaType = p.MediaType, Data = p.Data,
                    Width = p.Width, Height = p.Height, VisualTokens = p.VisualTokens, SourceFormat = p.SourceFormat.ToString().ToLowerInvariant(),
                    OriginalWidth = p.OriginalWidth, OriginalHeight = p.OriginalHeight, OriginalBytes = p.OriginalBytes, CreatedAt = message.CreatedAt,
                });
            }

            if (string.IsNullOrWhiteSpace(conversation.Title))
            {
                conversation.Title = ConversationTitle.From(input.Content);
            }

            return message;
        }, ct, created: created);
    }

    /// <summary>
    /// A new answer to the last user message. <paramref name="messageId"/> is the last assistant message (replaced)
    /// or the last user message (answered again, e.g. after a failure or a 429).
    /// </summary>
    public async Task RegenerateAsync(Guid conversationId, Guid messageId, string? presetId, System.Text.Json.Nodes.JsonObject? options, HttpContext http)
    {
        var ct = http.RequestAborted;
        var conversation = await FindConversationAsync(conversationId, http, ct);
        var target = await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId && m.ConversationId == conversationId, ct)
                     ?? throw new ApiProblem(404, ProblemCodes.MessageNotFound, "There is no such message in this conversation.");
        var lastUser = await db.Messages.Where(m => m.ConversationId == conversationId && m.Role == MessageRole.User)
            .OrderByDescending(m => m.Seq).Include(m => m.Images).FirstOrDefaultAsync(ct);
        if (lastUser is null || (target.Role == MessageRole.User ? target.Id != lastUser.Id : target.Seq < lastUser.Seq))
        {
            throw new ApiProblem(409, ProblemCodes.NotLastTurn, "Only the last answer (or the last question) can be regenerated.");
        }

        var preset = ResolvePreset(presetId ?? target.PresetId ?? conversation.PresetId);
        var overrides = ParseOverrides(options);
        CheckTokenBudget(conversation.OwnerId);
        var next = new PromptTurn(MessageRole.User, lastUser.Content, lastUser.Images.OrderBy(i => i.Ordinal).Select(i => new PromptImage(i.Id, i.VisualTokens)).ToList());
        await RunTurnAsync(conversation, preset, overrides, next, http, persistUser: () =>
        {
            // Answers after the question are replaced by the new one.
            db.Messages.RemoveRange(db.Messages.Where(m => m.ConversationId == conversationId && m.Seq > lastUser.Seq));
            return Task.FromResult(lastUser);
        }, ct, historyBefore: lastUser.Seq);
    }

    private async Task RunTurnAsync(Conversation conversation, Preset preset, Dictionary<string, object> overrides, PromptTurn next,
        HttpContext http, Func<Task<Message>> persistUser, CancellationToken ct, long? historyBefore = null, bool created = false)
    {
        var model = catalog.FindModel(endpoint.Model) ?? catalog.Models[0];
        var options = GenerationOptions.Merge(model, preset, OptionOverrides.FromStored(conversation.OptionsJson), overrides);
        var history = await LoadHistoryAsync(conversation.Id, historyBefore ?? long.MaxValue, ct);
        var tags = new TagList
        {
            { ChatTelemetry.ModelTag, endpoint.Model },
            { ChatTelemetry.PresetTag, preset.Id },
            { ChatTelemetry.HasImagesTag, next.Images.Count > 0 || history.Any(t => t.Images.Count > 0) },
        };
        PromptPlan plan;
        using (var span = ChatTelemetry.Source.StartActivity("mikucloud.chat.build_prompt"))
        {
            try
            {
                plan = promptBuilder.Build(conversation.SystemPrompt ?? model.Modelfile.System, history, next,
                    GenerationOptions.NumCtx(options), GenerationOptions.NumPredict(options));
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
            if (plan.ImagesOmitted > 0)
            {
                telemetry.ContextTrimmed.Add(plan.ImagesOmitted, new KeyValuePair<string, object?>(ChatTelemetry.KindTag, "image"));
            }

            if (plan.TurnsDropped > 0)
            {
                telemetry.ContextTrimmed.Add(plan.TurnsDropped, new KeyValuePair<string, object?>(ChatTelemetry.KindTag, "turn"));
            }
        }

        using var turnCancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        turnCancellation.CancelAfter(chat.MaxTurnDuration);
        if (!active.TryBegin(conversation.Id, conversation.OwnerId, turnCancellation))
        {
            throw new ApiProblem(409, ProblemCodes.AnswerInProgress, "An answer is still being generated in this conversation. Stop it or wait for it to finish.");
        }

        using var slot = streamSlots.TryEnter(conversation.OwnerId);
        Message? answered = null;
        try
        {
            if (slot is null)
            {
                telemetry.Rejections.Add(1, new KeyValuePair<string, object?>(ChatTelemetry.ReasonTag, "user_streams"));
                Count(tags, "rejected");
                throw new ApiProblem(429, ProblemCodes.TooManyStreams,
                    $"You already have {limits.Streams} answers being generated. Nothing was saved; send again when one finishes.",
                    retryAfterSeconds: 10);
            }

            var waitStarted = Stopwatch.GetTimestamp();
            using var lease = await admission.TryEnterAsync(ct);
            telemetry.QueueWait.Record(Stopwatch.GetElapsedTime(waitStarted).TotalSeconds, tags);
            if (lease is null)
            {
                telemetry.Rejections.Add(1, new KeyValuePair<string, object?>(ChatTelemetry.ReasonTag, "queue_full"));
                Count(tags, "rejected");
                throw new ApiProblem(429, ProblemCodes.Busy, "All generation slots are busy. Nothing was saved; please send again shortly.", retryAfterSeconds: admission.RetryAfterSeconds);
            }

            // The user's message is in the database before the model is called, saved in one transaction with the
            // empty answer that the stream fills in: one span, so each span name in a turn's trace is one step.
            Message user;
            Message assistant;
            using (ChatTelemetry.Source.StartActivity("mikucloud.chat.persist_question"))
            {
                user = await persistUser();
                assistant = NewMessage(conversation, MessageRole.Assistant, "", preset.Id);
                answered = assistant;
                assistant.Model = endpoint.Model;
                options["num_predict"] = (long)plan.MaxOutputTokens;
                assistant.OptionsJson = OptionOverrides.ToJson(options).ToJsonString();
                conversation.UpdatedAt = assistant.CreatedAt;
                await SaveWithSeqRetryAsync(ct);
            }

            if (next.Images.Count > 0 && next.Images[0].Id == Guid.Empty)
            {
                next = next with { Images = user.Images.OrderBy(i => i.Ordinal).Select(i => new PromptImage(i.Id, i.VisualTokens)).ToList() };
                plan = plan with { Turns = [.. plan.Turns.Take(plan.Turns.Count - 1), new PlannedTurn(next.Role, next.Content, next.Images, 0)] };
            }

            var messages = await ToChatMessagesAsync(conversation.SystemPrompt ?? model.Modelfile.System, plan, user, ct);
            var chatOptions = GenerationOptions.ToChatOptions(options, endpoint.Model, chat.KeepAlive);
            telemetry.ActiveStreams.Add(1);
            try
            {
                await StreamAsync(http, created ? conversation : null, user, assistant, messages, chatOptions, plan, tags, turnCancellation.Token, ct);
            }
            finally
            {
                telemetry.ActiveStreams.Add(-1);
            }
        }
        finally
        {
            active.End(conversation.Id, turnCancellation);
            if (answered is not null)
            {
                // Ollama's counters when the answer finished; the estimate when it was cut off before them.
                tokenBudget.Record(conversation.OwnerId, (answered.InputTokens ?? plan.EstimatedPromptTokens)
                                                         + (answered.OutputTokens ?? TokenEstimator.RawTextTokens(answered.Content)));
            }
        }
    }

    private void CheckTokenBudget(string owner)
    {
        if (tokenBudget.RetryAfter(owner) is { } wait)
        {
            telemetry.Rejections.Add(1, new KeyValuePair<string, object?>(ChatTelemetry.ReasonTag, "user_tokens"));
            var seconds = ApiProblem.RetryAfter(wait);
            throw new ApiProblem(429, ProblemCodes.TokenLimit,
                $"This account used its {limits.Tokens:N0} tokens for this minute. Nothing was saved; send again in {seconds} s.",
                retryAfterSeconds: seconds);
        }
    }

    private async Task CheckImageQuotaAsync(string owner, int adding, CancellationToken ct)
    {
        if (adding == 0 || limits.Images <= 0)
        {
            return;
        }

        var stored = await db.Images.CountAsync(i => i.OwnerId == owner, ct);
        if (stored + adding > limits.Images)
        {
            telemetry.Rejections.Add(1, new KeyValuePair<string, object?>(ChatTelemetry.ReasonTag, "user_images"));
            // Waiting does not free room (deleting conversations does); the hour only keeps clients from retrying in a loop.
            throw new ApiProblem(429, ProblemCodes.ImageQuota,
                $"This account stores {stored:N0} of {limits.Images:N0} images. Nothing was saved; delete older conversations with images to make room.",
                retryAfterSeconds: 3600);
        }
    }

    private void Count(TagList tags, string outcome)
    {
        var withOutcome = tags;
        withOutcome.Add(ChatTelemetry.OutcomeTag, outcome);
        telemetry.Requests.Add(1, withOutcome);
    }

    private async Task<Conversation> FindConversationAsync(Guid id, HttpContext http, CancellationToken ct)
    {
        var owner = CurrentOwner.Of(http);
        return await db.Conversations.FirstOrDefaultAsync(c => c.Id == id && c.OwnerId == owner, ct)
            ?? throw new ApiProblem(404, ProblemCodes.ConversationNotFound, "There is no such conversation.");
    }

    private Preset ResolvePreset(string? id) =>
        (string.IsNullOrWhiteSpace(id) ? catalog.DefaultPreset : catalog.FindPreset(id))
        ?? throw ApiProblem.Invalid("presetId", $"Unknown preset '{Requests.Echo.Cap(id!)}'. Known: {string.Join(", ", catalog.Presets.Select(p => p.Id))}.");

    private static Dictionary<string, object> ParseOverrides(System.Text.Json.Nodes.JsonObject? options)
    {
        var values = OptionOverrides.Parse(options, out var errors);
        return errors.Count > 0 ? throw new ApiProblem(400, ProblemCodes.InvalidOptions, "Some options are not valid.", errors) : values;
    }

    private ProcessedImage ProcessImage(byte[] data, int index)
    {
        using var span = ChatTelemetry.Source.StartActivity("mikucloud.image.process");
        var started = Stopwatch.GetTimestamp();
        try
        {
            var processed = images.Process(data);
            telemetry.ImageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            telemetry.ImageBytesSaved.Add(Math.Max(0, processed.OriginalBytes - processed.Data.LongLength));
            span?.SetTag("mikucloud.image.format", processed.SourceFormat.ToString().ToLowerInvariant());
            span?.SetTag("mikucloud.image.original_pixels", (long)processed.OriginalWidth * processed.OriginalHeight);
            span?.SetTag("mikucloud.image.visual_tokens", processed.VisualTokens);
            return processed;
        }
        catch (ImageRejectedException ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.Code);
            var status = ex.Code switch
            {
                ImageErrorCodes.TooLarge => 413,
                ImageErrorCodes.UnsupportedFormat => 415,
                _ => 400,
            };
            throw new ApiProblem(status, ex.Code, $"Image {index + 1}: {ex.Message}", new Dictionary<string, string[]> { [$"images[{index}]"] = [ex.Message] });
        }
    }

    private Message NewMessage(Conversation conversation, string role, string content, string presetId)
    {
        var now = Timestamps.Now(time);
        var message = new Message
        {
            Id = Guid.NewGuid(), ConversationId = conversation.Id, Seq = ++conversation.LastSeq, Role = role, Content = content,
            Status = MessageStatus.Streaming, PresetId = presetId, CreatedAt = now,
        };
        db.Messages.Add(message);
        return message;
    }

    private async Task SaveWithSeqRetryAsync(CancellationToken ct)
    {
        // Seq comes from Conversation.LastSeq; the unique (ConversationId, Seq) index turns a race into an error
        // rather than a silent reordering. One answer per conversation at a time makes the race rare.
        await db.SaveChangesAsync(ct);
    }

    private Task<List<PromptTurn>> LoadHistoryAsync(Guid conversationId, long beforeSeq, CancellationToken ct) =>
        PromptHistory.LoadAsync(db, conversationId, beforeSeq, ct);

    private async Task<List<AiChatMessage>> ToChatMessagesAsync(string? systemPrompt, PromptPlan plan, Message user, CancellationToken ct)
    {
        var ids = plan.Turns.SelectMany(t => t.Images).Select(i => i.Id).ToHashSet();
        var bytes = ids.Count == 0 ? [] : await db.Images.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Select(i => new { i.Id, i.MediaType, i.Data }).ToDictionaryAsync(i => i.Id, ct);

        var messages = new List<AiChatMessage>(plan.Turns.Count + 1);
        if (!string.IsNullOrWhiteSpace(systemPrompt))
        {
            messages.Add(new AiChatMessage(AiChatRole.System, systemPrompt));
        }

        foreach (var turn in plan.Turns)
        {
            var contents = new List<AIContent>();
            var text = turn.ImagesOmitted > 0
                ? string.Concat(Enumerable.Repeat(PromptBuilder.ImagePlaceholder + "\n", turn.ImagesOmitted)) + turn.Content
                : turn.Content;
            contents.Add(new TextContent(text));
            foreach (var image in turn.Images)
            {
                var stored = bytes[image.Id];
                contents.Add(new DataContent(stored.Data, stored.MediaType));
            }

            messages.Add(new AiChatMessage(turn.Role == MessageRole.User ? AiChatRole.User : AiChatRole.Assistant, contents));
        }

        return messages;
    }
}
