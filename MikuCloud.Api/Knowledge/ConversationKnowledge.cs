namespace MikuCloud.Api.Knowledge;

/// <summary>A knowledge base a conversation answers from (the input's picker); none means no retrieval.</summary>
public sealed class ConversationKnowledge
{
    public Guid ConversationId { get; set; }
    public Guid BaseId { get; set; }
}
