using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.Web.Rendering;

/// <summary>A Qwen3-VL grounding box: label and corners in the model's relative 0–1000 coordinates.</summary>
public sealed record GroundingBox(string Label, double X1, double Y1, double X2, double Y2)
{
    /// <summary>CSS percentages of the image (0–100), clamped and ordered so a box is always drawable.</summary>
    public (double Left, double Top, double Width, double Height) Percent()
    {
        var l = Math.Clamp(Math.Min(X1, X2), 0, 1000) / 10;
        var t = Math.Clamp(Math.Min(Y1, Y2), 0, 1000) / 10;
        var r = Math.Clamp(Math.Max(X1, X2), 0, 1000) / 10;
        var b = Math.Clamp(Math.Max(Y1, Y2), 0, 1000) / 10;
        return (l, t, r - l, b - t);
    }
}

/// <summary>
/// Finds Qwen3-VL grounding output in an answer. Asked to locate things, the model answers with JSON such as
/// <c>[{"bbox_2d": [x1, y1, x2, y2], "label": "cat"}]</c> (coordinates relative, 0–1000), usually in a
/// <c>```json</c> fence, sometimes bare, sometimes with prose around it or trailing commas. The parser scans for
/// balanced <c>{…}</c> objects that mention <c>bbox_2d</c>, parses each leniently, and keeps well-formed boxes.
/// Half-streamed JSON simply yields nothing yet.
/// </summary>
public static class GroundingParser
{
    /// <summary>More boxes than anyone can read on one image; also bounds the work on hostile input.</summary>
    public const int MaxBoxes = 100;

    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static IReadOnlyList<GroundingBox> Parse(string? text)
    {
        var boxes = new List<GroundingBox>();
        if (string.IsNullOrEmpty(text) || !text.Contains("bbox_2d", StringComparison.Ordinal))
        {
            return boxes;
        }

        var i = 0;
        var attempts = 0;
        while (i < text.Length && boxes.Count < MaxBoxes && attempts++ < 1000)
        {
            var open = text.IndexOf('{', i);
            if (open < 0)
            {
                break;
            }

            var close = MatchingBrace(text, open);
            if (close < 0)
            {
                i = open + 1; // a stray brace in prose, or JSON still streaming
                continue;
            }

            var segment = text.AsSpan(open, close - open + 1);
            if (segment.Contains("bbox_2d", StringComparison.Ordinal))
            {
                try
                {
                    Collect(JsonNode.Parse(segment.ToString(), documentOptions: Lenient), boxes);
                }
                catch (JsonException)
                {
                    // Not JSON after all (prose with braces); keep scanning after it.
                }
            }

            i = close + 1;
        }

        return boxes;
    }

    private static void Collect(JsonNode? node, List<GroundingBox> boxes)
    {
        switch (node)
        {
            case JsonObject obj when obj["bbox_2d"] is JsonArray { Count: 4 } coords:
                if (coords.Select(Number).ToArray() is [double x1, double y1, double x2, double y2] && boxes.Count < MaxBoxes)
                {
                    var label = Text(obj["label"]) ?? Text(obj["name"]) ?? Text(obj["text"]) ?? Text(obj["category"]) ?? "";
                    boxes.Add(new GroundingBox(label.Trim(), x1, y1, x2, y2));
                }

                break;
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Collect(child, boxes);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, boxes);
                }

                break;
        }
    }

    private static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<double>(out var d) && double.IsFinite(d))
        {
            return d;
        }

        return value.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d) ? d : null;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;

    /// <summary>Index of the brace closing the one at <paramref name="open"/>, skipping braces inside JSON strings.</summary>
    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        var inString = false;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{':
                    depth++;
                    break;
                case '}' when --depth == 0:
                    return i;
            }
        }

        return -1;
    }
}
