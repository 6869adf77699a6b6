namespace MikuCloud.Bench.Routing;

/// <summary>
/// One user: a pause, a conversation of 3–10 turns with think times between them, another pause, and so on. Each
/// question goes to a random API process (the load balancer in front of the API pods). A lost or cut-off question is
/// asked again after a few seconds, as a user pressing retry.
/// </summary>
/// <remarks>
/// Each user draws from a random stream of its own, seeded by the run's seed and the user's number: every policy
/// faces the same conversations, questions, pictures and think times (until a failure makes a user retry).
/// </remarks>
public sealed class SimulatedUser(int id, int seed, ClusterContext cluster, IReadOnlyList<SimulatedApiProcess> api, Action<SimulatedTurn> sent)
{
    /// <summary>Conversation ids are the user's number times this plus the user's count of conversations so far.</summary>
    public const int ConversationsPerUser = 100_000;

    private readonly Random random = new(Seeds.Derive(seed, Seeds.UserStream, id));
    private readonly WorkloadModel workload = cluster.Scenario.Workload;
    private int conversations;
    private int conversation;
    private int turns;
    private int index;
    private int context;

    public void Start() => cluster.Loop.After(Exponential(workload.IdleMeanSeconds), StartConversation);

    private void StartConversation()
    {
        conversation = (id * ConversationsPerUser) + conversations++;
        turns = random.Next(workload.TurnsMin, workload.TurnsMax + 1);
        index = 1;
        context = workload.SystemTokens;
        Ask(NextQuestion(), isRetry: false);
    }

    private (int Tokens, int Answer) NextQuestion()
    {
        var pictureShare = index == 1 ? workload.FirstTurnPictureShare : workload.LaterTurnPictureShare;
        var question = random.Next(workload.QuestionTokensMin, workload.QuestionTokensMax + 1);
        var picture = random.NextDouble() < pictureShare ? cluster.Scenario.Serving.PictureTokens : 0;
        return (question + picture, random.Next(workload.AnswerTokensMin, workload.AnswerTokensMax + 1));
    }

    private void Ask((int Tokens, int Answer) question, bool isRetry)
    {
        var turn = new SimulatedTurn
        {
            Conversation = conversation,
            Index = index,
            IsRetry = isRetry,
            PreviousTokens = context,
            PromptTokens = context + question.Tokens,
            AnswerTokens = question.Answer,
            SentAt = cluster.Loop.Now,
        };
        sent(turn);
        api[random.Next(api.Count)].Send(turn, done => Answered(done, question));
    }

    private void Answered(SimulatedTurn turn, (int Tokens, int Answer) question)
    {
        if (turn.Outcome != TurnOutcome.Answered)
        {
            cluster.Loop.After(workload.RetryAfterSeconds, () => Ask(question, isRetry: true));
            return;
        }

        context = turn.PromptTokens + turn.AnswerTokens;
        if (++index > turns)
        {
            cluster.Loop.After(Exponential(workload.IdleMeanSeconds), StartConversation);
            return;
        }

        var think = workload.ThinkFloorSeconds + Exponential(workload.ThinkMeanSeconds - workload.ThinkFloorSeconds);
        cluster.Loop.After(think, () => Ask(NextQuestion(), isRetry: false));
    }

    private double Exponential(double mean) => -mean * Math.Log(1 - random.NextDouble());
}
