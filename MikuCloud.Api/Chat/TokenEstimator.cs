using System.Globalization;
using System.Text;

namespace MikuCloud.Api.Chat;

/// <summary>
/// Estimates Qwen3 token counts without the tokenizer: CJK characters cost about one token each, other text about
/// one token per 3.5 characters, each message ~5 tokens of chat template, each image its visual tokens plus its
/// vision start/end markers. The estimate is scaled by a factor learnt from the counts Ollama reports
/// (<c>prompt_eval_count</c>), so it converges on the real tokenizer for the texts this instance sees.
/// </summary>
public sealed class TokenEstimator
{
    /// <summary>Template tokens around each message (<c>&lt;|im_start|&gt;role\n … &lt;|im_end|&gt;\n</c>).</summary>
    public const int MessageOverhead = 5;

    /// <summary>Tokens around each image (<c>&lt;|vision_start|&gt;</c>, <c>&lt;|vision_end|&gt;</c>).</summary>
    public const int ImageOverhead = 2;

    private readonly Lock gate = new();
    private double factor = 1.0;

    /// <summary>The learnt actual/estimated ratio for text (1 until Ollama has reported counts).</summary>
    public double Factor { get { lock (gate) { return factor; } } }

    /// <summary>Estimated tokens of <paramref name="text"/>, before calibration.</summary>
    public static int RawTextTokens(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        int wide = 0, other = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWide(rune))
            {
                wide++;
            }
            else
            {
                other++;
            }
        }

        return wide + (int)Math.Ceiling(other / 3.5);
    }

    /// <summary>Calibrated tokens of one message's text (template overhead included).</summary>
    public int TextTokens(string? text) => MessageOverhead + (int)Math.Ceiling(RawTextTokens(text) * Factor);

    /// <summary>Tokens of one image with <paramref name="visualTokens"/> patches.</summary>
    public static int ImageTokens(int visualTokens) => visualTokens + ImageOverhead;

    /// <summary>
    /// Learns from one answer: <paramref name="estimatedTextTokens"/> (raw, uncalibrated text part of the prompt)
    /// against what Ollama counted minus the exactly known image part. Moves 20 % of the way each time, bounded to ×0.5–×2.
    /// </summary>
    public void Calibrate(int estimatedTextTokens, int fixedTokens, int actualPromptTokens)
    {
        var actualText = actualPromptTokens - fixedTokens;
        if (estimatedTextTokens < 32 || actualText <= 0)
        {
            return; // too little text to learn from
        }

        var observed = Math.Clamp((double)actualText / estimatedTextTokens, 0.5, 2.0);
        lock (gate)
        {
            factor = Math.Clamp(factor + 0.2 * (observed - factor), 0.5, 2.0);
        }
    }

    private static bool IsWide(Rune rune)
    {
        var v = rune.Value;
        return v is >= 0x2E80 and <= 0x9FFF      // CJK radicals, kana, CJK unified ideographs
            or >= 0xAC00 and <= 0xD7AF           // Hangul
            or >= 0xF900 and <= 0xFAFF           // compatibility ideographs
            or >= 0xFF00 and <= 0xFFEF           // full-width forms and punctuation
            or >= 0x20000 and <= 0x3FFFF         // extension B+
            || Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherSymbol; // emoji and the like
    }
}
