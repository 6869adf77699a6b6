using MikuCloud.Api.Chat;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// Knowledge passages inside the context budget (<see cref="PromptBuilder"/>): they give way before history does, the
/// lowest-ranked first; the best one stays ahead of every history turn and goes only when no history is left.
/// </summary>
public class PassageBudgetTests
{
    private readonly PromptBuilder builder = new(new TokenEstimator());

    // ~600 estimated tokens each: five fill 3,000 of the context.
    private static readonly string[] Passages = [.. Enumerable.Range(1, 5).Select(i => $"<passage id=\"{i}\">\n" + new string((char)('甲' + i), 600) + "\n</passage>")];

    private static PromptTurn User(string text) => new("user", text, []);

    private static PromptTurn Assistant(string text) => new("assistant", text, []);

    private static List<PromptTurn> History(int pairs) =>
        [.. Enumerable.Range(0, pairs).SelectMany(i => new[] { User($"问题 {i} " + new string('问', 300)), Assistant($"回答 {i} " + new string('答', 300)) })];

    [Fact]
    public void Passages_that_fit_all_go_in_front_of_the_question_in_their_order()
    {
        var plan = builder.Build("system", History(2), User("保修期多长？"), numCtx: 16384, numPredict: 1024, Passages);

        Assert.Equal(Passages, plan.Passages);
        Assert.Equal((0, 0), (plan.PassagesTrimmed, plan.TurnsDropped));
        Assert.Equal(string.Join("\n\n", Passages) + "\n\n保修期多长？", PromptBuilder.WithPassages(plan.Passages, "保修期多长？"));
        Assert.True(plan.EstimatedPromptTokens > 5 * 600, $"passages counted: {plan.EstimatedPromptTokens}");
    }

    [Fact]
    public void Passages_are_trimmed_lowest_ranked_first_before_any_history_turn_is_dropped()
    {
        // 4,096 context, 1,024 for the answer: two history pairs (~1,250) and two passages fit, five do not.
        var plan = builder.Build("system", History(2), User("保修期多长？"), numCtx: 4096, numPredict: 1024, Passages);

        Assert.Equal(0, plan.TurnsDropped);
        Assert.InRange(plan.Passages.Count, 1, 4);
        Assert.Equal(Passages.Take(plan.Passages.Count), plan.Passages);
        Assert.Equal(5 - plan.Passages.Count, plan.PassagesTrimmed);
        Assert.True(plan.EstimatedPromptTokens <= 4096 - 1024);
    }

    [Fact]
    public void The_best_passage_outlasts_the_history_and_goes_only_when_none_is_left()
    {
        // A long history: every passage but the best goes, then history turns, and the best passage stays.
        var longHistory = builder.Build("system", History(8), User("保修期多长？"), numCtx: 4096, numPredict: 1024, Passages);
        // A question so long that even the best passage cannot sit beside it.
        var crowded = builder.Build("system", History(1), User(new string('长', 2500)), numCtx: 4096, numPredict: 1024, Passages);

        Assert.Equal([Passages[0]], longHistory.Passages);
        Assert.True(longHistory.TurnsDropped > 0);
        Assert.Empty(crowded.Passages);
        Assert.Equal(2, crowded.TurnsDropped);
        Assert.Equal(5, crowded.PassagesTrimmed);
    }
}
