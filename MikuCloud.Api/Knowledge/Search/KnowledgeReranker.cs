using Microsoft.Extensions.Options;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Mcp;
using MikuCloud.Api.Turns;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// The optional rerank step (<see cref="KnowledgeRerankOptions"/>): the chat model scores the fused candidates 0–10
/// against the query in one background turn through the one turn engine (door <c>knowledge</c>: the owner's limits,
/// token budget and telemetry), and the best-scored are kept. Ollama serves no rerank endpoint (its issue #3368 is
/// open), so a chat model with structured output does the job. A refused, failed, unreadable or late answer keeps the
/// fused order and says why on the span (<c>mikucloud.knowledge.rerank</c>).
/// </summary>
public sealed class KnowledgeReranker(IServiceProvider services, IOptions<KnowledgeRerankOptions> options)
{
    /// <summary>This door's name in telemetry.</summary>
    public const string Door = "knowledge";

    /// <summary>The span around one rerank.</summary>
    public const string SpanName = "mikucloud.knowledge.rerank";

    /// <summary>Span attribute keys: candidates scored, <c>reranked</c> or <c>fallback</c>, and the fallback's reason.</summary>
    public const string CandidatesTag = "mikucloud.knowledge.rerank.candidates", OutcomeTag = "mikucloud.knowledge.rerank.outcome",
        FallbackTag = "mikucloud.knowledge.rerank.fallback";

    /// <summary>How many fused passages to load for a search of <paramref name="top"/>.</summary>
    public int CandidatesFor(int top) => options.Value.Enabled ? Math.Max(top, options.Value.Candidates) : top;

    /// <summary>
    /// The best <paramref name="top"/> of <paramref name="candidates"/> (fused order, best first): by the model's score
    /// (which becomes each passage's <see cref="RetrievedPassage.Score"/>), ties in fused order; the fused order when off or failed.
    /// </summary>
    public async Task<IReadOnlyList<RetrievedPassage>> RerankAsync(string ownerId, string query, IReadOnlyList<RetrievedPassage> candidates, int top,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (!options.Value.Enabled || candidates.Count < 2)
        {
            return [.. candidates.Take(top)];
        }

        using var span = ChatTelemetry.Source.StartActivity(SpanName);
        span?.SetTag(ChatTelemetry.DoorTag, Door);
        span?.SetTag(CandidatesTag, candidates.Count);
        var (scores, fallback) = await ScoreAsync(ownerId, query, candidates, cancellationToken);
        span?.SetTag(OutcomeTag, scores is null ? "fallback" : "reranked");
        span?.SetTag(FallbackTag, fallback);
        if (scores is null)
        {
            return [.. candidates.Take(top)];
        }

        return [.. candidates.Select((p, i) => p with { Score = scores[i] }).OrderByDescending(p => p.Score).Take(top)];
    }

    private async Task<(int[]? Scores, string? Fallback)> ScoreAsync(string ownerId, string query, IReadOnlyList<RetrievedPassage> candidates,
        CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        try
        {
            // Resolved here, not injected: the turn engine retrieves knowledge itself, so it cannot be built before this.
            var turns = services.GetRequiredService<TurnEngine>();
            var request = TurnRequest.AnswerInBackground(ownerId, RerankPrompt.For(query, candidates), null, null, Door).ForModel(options.Value.Model);
            var run = await turns.StartAsync(request, limit.Token);
            var scores = RerankPrompt.ReadScores(await TurnAnswer.TextAsync(run, limit.Token), candidates.Count);
            return (scores, scores is null ? "unreadable" : null);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ApiProblem && !cancellationToken.IsCancellationRequested)
        {
            // The time limit cancels the turn, which may end as a "cancelled" answer rather than an exception.
            return (null, limit.IsCancellationRequested ? "timeout" : (ex as ApiProblem)?.Code ?? "cancelled");
        }
    }
}
