using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The knowledge step of a conversation's turn: the passages its bases hold for the question, best first, each as the
/// model will read it (<see cref="KnowledgePrompt.Block"/>). One span per retrieval (<c>mikucloud.knowledge.retrieve</c>)
/// with its time and counts, never the question or the passages.
/// </summary>
public sealed class TurnKnowledge(KnowledgeRetriever retriever, IOptions<KnowledgeChatOptions> options)
{
    /// <summary>Span attribute keys.</summary>
    public const string BasesTag = "mikucloud.knowledge.bases", PassagesTag = "mikucloud.knowledge.passages";

    /// <summary>Nothing to retrieve from: no bases, or a question without words (a picture alone).</summary>
    public static TurnPassages None { get; } = new([]);

    /// <summary>The passages for <paramref name="question"/> in <paramref name="baseIds"/> (bases the owner can read).</summary>
    public async Task<TurnPassages> RetrieveAsync(string ownerId, IReadOnlyList<Guid> baseIds, string question, string door, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseIds);
        if (baseIds.Count == 0 || string.IsNullOrWhiteSpace(question))
        {
            // An empty list would mean "every readable base" to the retriever: the switch off must mean none.
            return None;
        }

        using var span = ChatTelemetry.Source.StartActivity("mikucloud.knowledge.retrieve");
        span?.SetTag(ChatTelemetry.DoorTag, door);
        span?.SetTag(BasesTag, baseIds.Count);
        var found = await retriever.SearchAsync(ownerId, baseIds, question, options.Value.Passages, cancellationToken);
        span?.SetTag(PassagesTag, found.Count);
        return new TurnPassages(found);
    }
}
