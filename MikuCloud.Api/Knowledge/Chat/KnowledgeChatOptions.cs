using System.ComponentModel.DataAnnotations;

namespace MikuCloud.Api.Knowledge;

/// <summary>How a conversation's turns draw on its knowledge bases (<c>Knowledge:Chat</c>).</summary>
public sealed class KnowledgeChatOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Knowledge:Chat";

    /// <summary>Passages retrieved per question (fewer reach the prompt when the context is short).</summary>
    [Range(1, 20)]
    public int Passages { get; set; } = 5;
}
