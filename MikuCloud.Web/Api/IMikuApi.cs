namespace MikuCloud.Web.Api;

/// <summary>
/// Everything the UI asks of MikuCloud.Api. Components depend on this interface so component tests can
/// drive them with a scripted fake; <see cref="MikuApiClient"/> is the real HTTP implementation.
/// </summary>
public interface IMikuApi
{
    Task<IReadOnlyList<PresetDto>> GetPresetsAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<HouseModelDto>> GetModelsAsync(CancellationToken cancellationToken = default);

    Task<Page<ConversationDto>> ListConversationsAsync(string? query, string? cursor, int limit = 50, CancellationToken cancellationToken = default);

    /// <summary>The conversation, or null when it does not exist (deleted in another tab).</summary>
    Task<ConversationDto?> GetConversationAsync(Guid id, CancellationToken cancellationToken = default);

    Task<ConversationDto> UpdateConversationAsync(Guid id, UpdateConversationRequest request, CancellationToken cancellationToken = default);

    Task DeleteConversationAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Messages oldest-to-newest; <paramref name="before"/> is the previous page's cursor.</summary>
    Task<Page<MessageDto>> GetMessagesAsync(Guid conversationId, string? before, int limit = 50, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a message and streams the answer. Throws <see cref="ApiException"/> if the API refuses before the stream
    /// starts (400/404/413/415/429/503) and <see cref="HttpRequestException"/> if it cannot be reached. Cancelling
    /// aborts the request, which the API records as a <c>cancelled</c> answer.
    /// </summary>
    IAsyncEnumerable<ChatEvent> SendMessageAsync(Guid conversationId, OutgoingMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// A new chat's first message: creates the conversation and sends <paramref name="message"/> in one call
    /// (<c>POST /api/conversations/messages</c>). The stream starts with <see cref="ConversationStarted"/>, then is the
    /// same as <see cref="SendMessageAsync"/>'s. Nothing is created when the API refuses before the stream; when the model
    /// refuses after the question was saved, the <see cref="ApiException"/>'s problem names the message and conversation.
    /// Without <paramref name="title"/> the API names the conversation after the message.
    /// </summary>
    IAsyncEnumerable<ChatEvent> StartConversationAsync(OutgoingMessage message, string? systemPrompt, string? title = null,
        CancellationToken cancellationToken = default);

    /// <summary>Answers the assistant message <paramref name="messageId"/> again; same stream as <see cref="SendMessageAsync"/>.</summary>
    IAsyncEnumerable<ChatEvent> RegenerateAsync(Guid conversationId, Guid messageId, string? presetId, System.Text.Json.Nodes.JsonObject? options,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Continues a cut-off or stopped answer in place (<c>POST …/messages/{id}/continue</c>): deltas carry the new text,
    /// <c>done</c> the whole answer; same stream as <see cref="SendMessageAsync"/>.
    /// </summary>
    IAsyncEnumerable<ChatEvent> ContinueAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken = default);

    /// <summary>Chooses the branch through <paramref name="messageId"/> (<c>PUT …/branch</c>); answers its newest page.</summary>
    Task<Page<MessageDto>> SwitchBranchAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Attaches to an answer being written (after a reload, in another tab, on another Web replica): its text after
    /// <paramref name="offset"/> characters, then the rest as it is written, then done or failed.
    /// </summary>
    IAsyncEnumerable<ChatEvent> FollowAnswerAsync(Guid conversationId, Guid messageId, int offset, CancellationToken cancellationToken = default);

    /// <summary>Stops an answer being written, from any tab and whichever API replica writes it; the API saves what it had as cancelled.</summary>
    Task StopAnswerAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken = default);

    /// <summary>Latency and throughput for a window (<c>1h</c>, <c>24h</c>, <c>7d</c>, <c>30d</c>), from the API's stored answers.</summary>
    Task<StatsReport> GetStatsAsync(string window, CancellationToken cancellationToken = default);
}
