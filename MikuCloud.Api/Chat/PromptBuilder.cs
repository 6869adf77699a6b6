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
    int ImagesOmitted, int TurnsDropped, int MaxOutputTokens)
{
    /// <summary>The knowledge passages that fit, best first: they open the new turn's text (see <see cref="PromptBuilder.WithPassages"/>).</summary>
    public IReadOnlyList<string> Passages { get; init; } = [];

    /// <summary>Passages left out to fit the context (the lowest-ranked first).</summary>
    public int PassagesTrimmed { get; init; }
}

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
/// oldest first; then knowledge passages, the lowest-ranked first, down to the best one; then the oldest turns go, a
/// user/assistant pair at a time; the best passage last of all. The system prompt and the new turn always stay.
/// </summary>
public sealed class PromptBuilder(TokenEstimator estimator)
{
    /// <summary>The placeholder the model sees for an image that no longer fits.</summary>
    public const string ImagePlaceholder = "[earlier image omitted to fit the context / 较早的图片因上下文长度已省略]";

    /// <summary>Least room kept for the answer, whatever num_predict says.</summary>
    public const int MinAnswerTokens = 256;

    /// <summary>The new turn's text with the passages before it (the form <see cref="Build"/> counted).</summary>
    public static string WithPassages(IReadOnlyList<string> passages, string question)
    {
        ArgumentNullException.ThrowIfNull(passages);
        return passages.Count == 0 ? question : string.Join(PassageSeparator, passages) + PassageSeparator + question;
    }

    /// <param name="systemPrompt">Always kept.</param>
    /// <param name="history">Earlier turns, oldest first.</param>
    /// <param name="next">The new turn: always kept.</param>
    /// <param name="numCtx">The context size.</param>
    /// <param name="numPredict">The answer's asked-for length.</param>
    /// <param name="passages">Knowledge passages for the new turn, best first, as the model reads them.</param>
    public PromptPlan Build(string? systemPrompt, IReadOnlyList<PromptTurn> history, PromptTurn next, int numCtx, int numPredict,
        IReadOnlyList<string>? passages = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(next);
        passages ??= [];

        // Room for the answer: all of num_predict when it is modest, at most half the context when it is huge
        // (the vision/text presets ask for 16k–32k), never under MinAnswerTokens.
        var reserve = Math.Max(Math.Min(MinAnswerTokens, numPredict), Math.Min(numPredict, numCtx / 2));
        var budget = numCtx - reserve;

        // One calibration factor for the whole plan, and each text estimated once: the estimate reads every character,
        // and a long conversation holds megabytes of text (a 2,000-message history took 18 ms when it was re-read per step).
        var factor = estimator.Factor;
        var nextRaw = TokenEstimator.RawTextTokens(next.Content);
        var fixedCost = Cost(systemPrompt, factor) + Cost(nextRaw, factor, next.Images, next.Images.Count);
        if (fixedCost > budget)
        {
            throw new PromptTooLargeException(fixedCost, budget);
        }

        var turns = new Slot[history.Count];
        var total = fixedCost;
        for (var i = 0; i < turns.Length; i++)
        {
            turns[i] = new Slot(history[i], factor);
            total += turns[i].Cost;
        }

        // Passages are text added to the new turn: no message overhead of their own, each with its separator.
        var passageRaw = passages.Select(p => TokenEstimator.RawTextTokens(p) + SeparatorRawTokens).ToArray();
        var passageCost = passageRaw.Select(raw => (int)Math.Ceiling(raw * factor)).ToArray();
        total += passageCost.Sum();
        var passagesKept = passages.Count;

        var imagesOmitted = 0;
        var turnsDropped = 0;

        // 1. Older images give way first, oldest first.
        for (var i = 0; i < turns.Length && total > budget; i++)
        {
            var slot = turns[i];
            while (total > budget && slot.KeptImages > 0)
            {
                total -= slot.Cost;
                slot.KeptImages--;
                total += slot.Cost;
                imagesOmitted++;
            }
        }

        // 2. Then passages, the lowest-ranked first, down to the best one: the question was asked of the knowledge.
        while (total > budget && passagesKept > 1)
        {
            total -= passageCost[--passagesKept];
        }

        // 3. Then the oldest turns, keeping history starting with a user turn.
        var first = 0;
        while (total > budget && first < turns.Length)
        {
            do
            {
                total -= turns[first].Cost;
                first++;
                turnsDropped++;
            }
            while (first < turns.Length && turns[first].Turn.Role != "user");
        }

        // 4. The best passage last: only when no history is left to give way.
        if (total > budget && passagesKept == 1)
        {
            total -= passageCost[--passagesKept];
        }

        var planned = new List<PlannedTurn>(turns.Length - first + 1);
        var rawText = TokenEstimator.RawTextTokens(systemPrompt) + nextRaw + passageRaw.Take(passagesKept).Sum();
        for (var i = first; i < turns.Length; i++)
        {
            var slot = turns[i];
            var turn = slot.ToPlanned();
            planned.Add(turn);
            rawText += slot.RawTokens + (turn.ImagesOmitted > 0 ? PlaceholderRawTokens * turn.ImagesOmitted : 0);
        }

        planned.Add(new PlannedTurn(next.Role, next.Content, next.Images, 0));
        var imageTokens = planned.Sum(t => t.Images.Sum(i => TokenEstimator.ImageTokens(i.VisualTokens)));
        var maxOutput = Math.Max(1, Math.Min(numPredict, numCtx - total));
        return new PromptPlan(planned, total, rawText, imageTokens, imagesOmitted, turnsDropped, maxOutput)
        {
            Passages = [.. passages.Take(passagesKept)],
            PassagesTrimmed = passages.Count - passagesKept,
        };
    }

    private const string PassageSeparator = "\n\n";

    private static readonly int PlaceholderRawTokens = TokenEstimator.RawTextTokens(ImagePlaceholder);

    private static readonly int SeparatorRawTokens = Math.Max(1, TokenEstimator.RawTextTokens(PassageSeparator));

    /// <summary><see cref="TokenEstimator.TextTokens"/> with a fixed calibration factor.</summary>
    private static int TextCost(int rawTokens, double factor) => TokenEstimator.MessageOverhead + (int)Math.Ceiling(rawTokens * factor);

    private static int Cost(string? systemPrompt, double factor) =>
        string.IsNullOrEmpty(systemPrompt) ? 0 : TextCost(TokenEstimator.RawTextTokens(systemPrompt), factor);

    private static int Cost(int rawTokens, double factor, IReadOnlyList<PromptImage> images, int keptImages)
    {
        var cost = TextCost(rawTokens, factor) + (images.Count - keptImages) * (PlaceholderRawTokens + 1);
        for (var i = images.Count - keptImages; i < images.Count; i++)
        {
            cost += TokenEstimator.ImageTokens(images[i].VisualTokens);
        }

        return cost;
    }

    private sealed class Slot
    {
        private readonly double factor;
        private int keptImages;

        public Slot(PromptTurn turn, double factor)
        {
            this.factor = factor;
            Turn = turn;
            RawTokens = TokenEstimator.RawTextTokens(turn.Content);
            KeptImages = turn.Images.Count;
        }

        public PromptTurn Turn { get; }

        /// <summary>The uncalibrated text estimate, computed once.</summary>
        public int RawTokens { get; }

        /// <summary>What the turn costs with <see cref="KeptImages"/> images.</summary>
        public int Cost { get; private set; }

        /// <summary>Images kept, counted from the newest within the turn (the oldest go first).</summary>
        public int KeptImages
        {
            get => keptImages;
            set
            {
                keptImages = value;
                Cost = PromptBuilder.Cost(RawTokens, factor, Turn.Images, value);
            }
        }

        public PlannedTurn ToPlanned() =>
            new(Turn.Role, Turn.Content, Turn.Images.Skip(Turn.Images.Count - KeptImages).ToList(), Turn.Images.Count - KeptImages);
    }
}
