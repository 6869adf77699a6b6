using System.Text.Json.Nodes;

namespace MikuCloud.Api.Chat;

/// <summary>
/// A new user turn as sent, before any image processing; <see cref="Title"/>, <see cref="SystemPrompt"/>,
/// <see cref="Model"/> and <see cref="KnowledgeBaseIds"/> only when it also starts a conversation (<c>POST /api/conversations/messages</c>).
/// </summary>
public sealed record IncomingMessage(string Content, IReadOnlyList<byte[]> Images, string? PresetId, JsonObject? Options,
    string? Title = null, string? SystemPrompt = null, string? Model = null, IReadOnlyList<Guid>? KnowledgeBaseIds = null);
