using MikuCloud.Api.Chat;

namespace MikuCloud.Tests.Chat;

public class PromptBuilderTests
{
    private readonly PromptBuilder builder = new(new TokenEstimator());

    private static PromptTurn User(string text, params int[] imageTokens) =>
        new("user", text, imageTokens.Select(t => new PromptImage(Guid.NewGuid(), t)).ToList());

    private static PromptTurn Assistant(string text) => new("assistant", text, []);

    [Fact]
    public void A_short_history_is_sent_whole_with_the_full_num_predict()
    {
        var history = new[] { User("你好"), Assistant("你好！有什么可以帮你？") };

        var plan = builder.Build("system", history, User("再见"), numCtx: 16384, numPredict: 1024);

        Assert.Equal(3, plan.Turns.Count);
        Assert.Equal(0, plan.ImagesOmitted + plan.TurnsDropped);
        Assert.Equal(1024, plan.MaxOutputTokens);
    }

    [Fact]
    public void Older_images_give_way_before_any_turn_oldest_first()
    {
        // Four turns with 3,000-token images in a 12k context: only what fits stays, newest images first.
        var history = new List<PromptTurn>();
        for (var i = 0; i < 4; i++)
        {
            history.Add(User($"图 {i}", 3000));
            history.Add(Assistant($"答 {i}"));
        }

        var plan = builder.Build("system", history, User("现在这张呢？", 1000), numCtx: 12288, numPredict: 1024);

        Assert.Equal(0, plan.TurnsDropped);
        Assert.True(plan.ImagesOmitted >= 1);
        // Images survive only at the newest end, and the new turn's image always stays.
        Assert.Single(plan.Turns[^1].Images);
        var firstKept = plan.Turns.ToList().FindIndex(t => t.Images.Count > 0);
        Assert.All(plan.Turns.Skip(firstKept).Where(t => t.Role == "user"), t => Assert.Equal(1, t.Images.Count + t.ImagesOmitted));
        Assert.All(plan.Turns.Take(firstKept).Where(t => t.Role == "user"), t => Assert.Empty(t.Images));
        Assert.True(plan.EstimatedPromptTokens + 1024 <= 12288);
    }

    [Fact]
    public void Then_the_oldest_turns_go_in_pairs_and_history_starts_with_a_user_turn()
    {
        var history = new List<PromptTurn>();
        for (var i = 0; i < 200; i++)
        {
            history.Add(User(new string('问', 300) + i));
            history.Add(Assistant(new string('答', 300) + i));
        }

        var plan = builder.Build("你是 Miku。", history, User("最后一个问题"), numCtx: 8192, numPredict: 1024);

        Assert.True(plan.TurnsDropped > 0);
        Assert.Equal("user", plan.Turns[0].Role);
        Assert.EndsWith("199", plan.Turns[^2].Content, StringComparison.Ordinal); // the newest answer stays
        Assert.Equal("最后一个问题", plan.Turns[^1].Content);
        Assert.True(plan.EstimatedPromptTokens + 1024 <= 8192, $"{plan.EstimatedPromptTokens} + 1024 > 8192");
        Assert.Equal(400 - plan.TurnsDropped + 1, plan.Turns.Count);
    }

    [Fact]
    public void Huge_num_predict_keeps_at_most_half_the_context_and_is_lowered_to_what_fits()
    {
        var plan = builder.Build("system", [], User(new string('字', 2000)), numCtx: 16384, numPredict: 32768);

        Assert.True(plan.MaxOutputTokens < 16384 - 2000);
        Assert.True(plan.MaxOutputTokens > 8192);
        Assert.Equal(16384 - plan.EstimatedPromptTokens, plan.MaxOutputTokens);
    }

    [Fact]
    public void The_new_turn_that_cannot_fit_is_refused_not_truncated()
    {
        var ex = Assert.Throws<PromptTooLargeException>(() =>
            builder.Build("system", [], User("看", 5000, 5000), numCtx: 8192, numPredict: 1024));

        Assert.True(ex.Needed > ex.Available);
    }

    [Theory]
    [InlineData("hello world, this is English text.", 10, 12)]
    [InlineData("用古诗词的风格描述一下人工智能", 15, 15)]
    [InlineData("", 0, 0)]
    public void Token_estimates_treat_cjk_as_one_token_per_character(string text, int min, int max)
    {
        var tokens = TokenEstimator.RawTextTokens(text);
        Assert.InRange(tokens, min, max);
    }

    [Fact]
    public void Calibration_moves_toward_what_ollama_counted_and_stays_bounded()
    {
        var estimator = new TokenEstimator();

        for (var i = 0; i < 50; i++)
        {
            estimator.Calibrate(estimatedTextTokens: 1000, fixedTokens: 500, actualPromptTokens: 1800);
        }

        Assert.InRange(estimator.Factor, 1.25, 1.31);
        for (var i = 0; i < 50; i++)
        {
            estimator.Calibrate(1000, 0, 100_000);
        }

        Assert.Equal(2.0, estimator.Factor, 3);
    }
}
