namespace MikuCloud.Api.Chat;

/// <summary>An image in a prompt: its id (bytes are loaded only if it is kept) and its visual-token cost.</summary>
public sealed record PromptImage(Guid Id, int VisualTokens);

/// <summary>A history turn as the prompt builder sees it.</summary>
public sealed record PromptTurn(string Role, string Content, IReadOnlyList<PromptImage> Images);

/// <summary>A turn as it will be sent: images kept, or replaced by a placeholder.</summary>
public sealed record PlannedTurn(string Role, string Content, IReadOnlyList<PromptImage> Images, int ImagesOmitted);

/// <summary>The prompt to send and what had to give way to fit the context.</summary>
/// <param name="Turns">History turns kept plus the new turn, oldest first.</param>
/// <param name="EstimatedPromptTokens">Estimated prompt tokens (calibrated).</param>
/// <param name="RawTextTokens">Uncalibrated text estimate, to calibrate against Ollama's count.</param>
/// <param name="ImageTokens">Exact image cost in the prompt.</param>
/// <param name="ImagesOmitted">Older images replaced by a placeholder.</param>
/// <param name="TurnsDropped">Oldest turns left out.</param>
/// <param name="MaxOutputTokens">num_predict to send: the asked-for value, lowered to what fits after the prompt.</param>
public sealed record PromptPlan(IReadOnlyList<PlannedTurn> Turns, int EstimatedPromptTokens, int RawTextTokens, int ImageTokens,
    int ImagesOmitted, int TurnsDropped, int MaxOutputTokens);

/// <summary>The new turn itself (with the system prompt) cannot fit the context.</summary>
public sealed class PromptTooLargeException(int needed, int available)
    : Exception($"This message needs about {needed} tokens but the context leaves {available} for it. Shorten it, send fewer images, or raise num_ctx.")
{
    public int Needed { get; } = needed;
    public int Available { get; } = available;
}

/// <summary>
/// Builds the prompt so it fits <c>num_ctx</c> with room to answer, instead of relying on Ollama's silent truncation
/// (which cuts from the front, system prompt first). Order of sacrifice: older images become a short placeholder,
/// oldest first; then the oldest turns go, a user/assistant pair at a time. The system prompt and the new turn always stay.
/// </summary>
public sealed class PromptBuilder(TokenEstimator estimator)
{
    /// <summary>The placeholder the model sees for an image that no longer fits.</summary>
    public const string ImagePlaceholder = "[earlier image omitted to fit the context / 较早的图片因上下文长度已省略]";

    /// <summary>Least room kept for the answer, whatever num_predict says.</summary>
    public const int MinAnswerTokens = 256;

    public PromptPlan Build(string? systemPrompt, IReadOnlyList<PromptTurn> history, PromptTurn next, int numCtx, int numPredict)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(next);

        // Room for the answer: all of num_predict when it is modest, at most half the context when it is huge
        // (the vision/text presets ask for 16k–32k), never under MinAnswerTokens.
        var reserve = Math.Max(Math.Min(MinAnswerTokens, numPredict), Math.Min(numPredict, numCtx / 2));
        var budget = numCtx - reserve;

        var fixedCost = Cost(systemPrompt) + Cost(next, next.Images.Count);
        if (fixedCost > budget)
        {
            throw new PromptTooLargeException(fixedCost, budget);
        }

        var turns = history.Select(t => new Slot(t)).ToList();
        var total = fixedCost + turns.Sum(s => s.Cost(this));
        var imagesOmitted = 0;
        var turnsDropped = 0;

        // 1. Older images give way first, oldest first.
        foreach (var slot in turns)
        {
            while (total > budget && slot.KeptImages > 0)
            {
                total -= slot.Cost(this);
                slot.KeptImages--;
                total += slot.Cost(this);
                imagesOmitted++;
            }
        }

        // 2. Then the oldest turns, keeping history starting with a user turn.
        while (total > budget && turns.Count > 0)
        {
            do
            {
                total -= turns[0].Cost(this);
                turns.RemoveAt(0);
                turnsDropped++;
            }
            while (turns.Count > 0 && turns[0].Turn.Role != "user");
        }

        var planned = turns.Select(s => s.ToPlanned()).Append(new PlannedTurn(next.Role, next.Content, next.Images, 0)).ToList();
        var rawText = TokenEstimator.RawTextTokens(systemPrompt) + planned.Sum(t => TokenEstimator.RawTextTokens(t.Content) + (t.ImagesOmitted > 0 ? TokenEstimator.RawTextTokens(ImagePlaceholder) * t.ImagesOmitted : 0));
        var imageTokens = planned.Sum(t => t.Images.Sum(i => TokenEstimator.ImageTokens(i.VisualTokens)));
        var maxOutput = Math.Max(1, Math.Min(numPredict, numCtx - total));
        return new PromptPlan(planned, total, rawText, imageTokens, imagesOmitted, turnsDropped, maxOutput);
    }

    private int Cost(string? systemPrompt) => string.IsNullOrEmpty(systemPrompt) ? 0 : estimator.TextTokens(systemPrompt);

    private int Cost(PromptTurn turn, int keptImages) =>
        estimator.TextTokens(turn.Content)
        + turn.Images.Skip(turn.Images.Count - keptImages).Sum(i => TokenEstimator.ImageTokens(i.VisualTokens))
        + (turn.Images.Count - keptImages) * (TokenEstimator.RawTextTokens(ImagePlaceholder) + 1);

    private sealed class Slot(PromptTurn turn)
    {
        public PromptTurn Turn { get; } = turn;

        /// <summary>Images kept, counted from the newest within the turn (the oldest go first).</summary>
        public int KeptImages { get; set; } = turn.Images.Count;

        public int Cost(PromptBuilder builder) => builder.Cost(Turn, KeptImages);

        public PlannedTurn ToPlanned() =>
            new(Turn.Role, Turn.Content, Turn.Images.Skip(Turn.Images.Count - KeptImages).ToList(), Turn.Images.Count - KeptImages);
    }
}
