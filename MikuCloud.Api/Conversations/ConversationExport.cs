using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace MikuCloud.Api.Conversations;

/// <summary>Export formats of <c>GET /api/conversations/{id}/export</c>.</summary>
public enum ExportFormat
{
    Markdown,
    Json,
}

/// <summary>Renders a conversation for download: Markdown for people, JSON (the API's DTOs) for programs.</summary>
public static class ConversationExport
{
    /// <summary>The <c>format</c> field of the JSON export.</summary>
    public const string FormatId = "mikucloud.conversation.v1";

    public const string MarkdownMediaType = "text/markdown; charset=utf-8";
    public const string JsonMediaType = "application/json; charset=utf-8";

    /// <summary>The title used where a conversation has none (the UI shows its own localized label).</summary>
    public const string UntitledTitle = "New chat";

    private const int MaxFileNameLength = 80;

    /// <summary>The download: body, media type and a <c>Content-Disposition: attachment</c> safe for any title.</summary>
    public static IResult ToResult(HttpContext http, ConversationExportDto export, ExportFormat format, JsonSerializerOptions jsonOptions)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(export);
        var (body, mediaType, extension) = format == ExportFormat.Json
            ? (JsonSerializer.SerializeToUtf8Bytes(export, new JsonSerializerOptions(jsonOptions) { WriteIndented = true }), JsonMediaType, "json")
            : (Encoding.UTF8.GetBytes(ToMarkdown(export)), MarkdownMediaType, "md");
        http.Response.Headers.ContentDisposition = ContentDisposition(export.Conversation.Title, export.Conversation.Id, extension);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(body, mediaType);
    }

    /// <summary>
    /// <c>attachment; filename="ascii"; filename*=UTF-8''…</c> (RFC 6266/5987): the full title for clients that read
    /// <c>filename*</c>, an ASCII fallback for the rest (the conversation id when the title has no ASCII letters or digits).
    /// </summary>
    public static string ContentDisposition(string title, Guid id, string extension)
    {
        var name = FileNameStem(title);
        var ascii = new string(name.Where(c => c is >= ' ' and <= '~' && c is not ('"' or '\\' or '%' or ';')).ToArray()).Trim();
        if (!ascii.Any(char.IsAsciiLetterOrDigit))
        {
            ascii = $"mikucloud-chat-{id.ToString("N")[..8]}";
        }

        var value = new ContentDispositionHeaderValue("attachment") { FileName = $"\"{ascii}.{extension}\"" };
        if (name.Length > 0)
        {
            value.FileNameStar = $"{name}.{extension}";
        }

        return value.ToString();
    }

    /// <summary>The title without characters file systems or headers reject, at most 80 characters; empty when nothing is left.</summary>
    public static string FileNameStem(string? title)
    {
        var builder = new StringBuilder();
        var enumerator = StringInfo.GetTextElementEnumerator(title ?? "");
        var lastWasSpace = true;
        while (enumerator.MoveNext() && builder.Length < MaxFileNameLength)
        {
            var element = (string)enumerator.Current;
            var invalid = element.Any(c => char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsSurrogate(c) && !char.IsSurrogatePair(element, 0));
            if (invalid || char.IsWhiteSpace(element[0]))
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                    lastWasSpace = true;
                }

                continue;
            }

            if (builder.Length + element.Length > MaxFileNameLength)
            {
                break;
            }

            builder.Append(element);
            lastWasSpace = false;
        }

        return builder.ToString().Trim().Trim('.').Trim();
    }

    /// <summary>Title, details, system prompt, then each turn under a role heading with its images and, for answers, a stats line.</summary>
    public static string ToMarkdown(ConversationExportDto export)
    {
        ArgumentNullException.ThrowIfNull(export);
        var c = export.Conversation;
        var md = new StringBuilder();
        md.Append("# ").AppendLine(string.IsNullOrWhiteSpace(c.Title) ? UntitledTitle : c.Title).AppendLine();
        md.Append("- Preset: ").AppendLine(c.PresetId);
        if (c.Options is { Count: > 0 } options)
        {
            md.Append("- Options: `").Append(options.ToJsonString()).AppendLine("`");
        }

        md.Append("- Created: ").AppendLine(Format(c.CreatedAt));
        md.Append("- Exported: ").Append(Format(export.ExportedAt)).AppendLine(" from MikuCloud");
        md.Append("- Conversation: `").Append(c.Id).AppendLine("`");
        md.AppendLine();
        if (!string.IsNullOrWhiteSpace(c.SystemPrompt))
        {
            md.AppendLine("**System prompt**").AppendLine();
            AppendQuoted(md, c.SystemPrompt);
            md.AppendLine();
        }

        foreach (var m in export.Messages)
        {
            md.AppendLine("---").AppendLine();
            md.Append("## ").Append(m.Role == MessageRole.Assistant ? "Assistant" : m.Role == MessageRole.User ? "User" : m.Role)
                .Append(" · ").AppendLine(Format(m.CreatedAt)).AppendLine();
            if (m.Content.Length > 0)
            {
                md.AppendLine(m.Content.TrimEnd()).AppendLine();
            }

            for (var i = 0; i < m.Images.Count; i++)
            {
                var image = m.Images[i];
                md.Append(CultureInfo.InvariantCulture, $"![image {i + 1} ({image.Width}×{image.Height})]({image.Url})").AppendLine().AppendLine();
            }

            if (m.Role == MessageRole.Assistant)
            {
                md.Append('*').Append(StatsLine(m)).AppendLine("*").AppendLine();
            }
        }

        return md.ToString();
    }

    /// <summary>e.g. <c>miku-vl · balanced · 1,234 → 256 tokens · first token 180 ms · 42.1 tokens/s · 6.3 s</c>, then the status if not complete.</summary>
    public static string StatsLine(MessageDto m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(m.Model))
        {
            parts.Add(m.Model);
        }

        if (!string.IsNullOrEmpty(m.PresetId))
        {
            parts.Add(m.PresetId);
        }

        if (m.Usage is { } usage)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{usage.InputTokens?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} → {usage.OutputTokens?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} tokens"));
        }

        if (m.Timings is { } t)
        {
            if (t.TimeToFirstTokenMs is { } ttft)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"first token {ttft:0} ms"));
            }

            if (t.OutputTokensPerSecond is { } tps)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{tps:0.0} tokens/s"));
            }

            if (t.TotalMs is { } total)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{total / 1000:0.0} s"));
            }
        }

        if (m.Status != MessageStatus.Complete)
        {
            parts.Add(m.Error is { Message.Length: > 0 } error ? $"{m.Status}: {error.Message}" : m.Status);
        }

        return parts.Count == 0 ? m.Status : string.Join(" · ", parts);
    }

    private static void AppendQuoted(StringBuilder md, string text)
    {
        foreach (var line in text.ReplaceLineEndings("\n").TrimEnd().Split('\n'))
        {
            md.Append(line.Length == 0 ? ">" : "> ").AppendLine(line);
        }
    }

    private static string Format(DateTime value) => value.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
