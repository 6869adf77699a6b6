using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace MikuCloud.Api.Conversations;

/// <summary>
/// Opaque paging cursors: base64url of a short versioned text. Clients pass them back unchanged;
/// anything that does not decode is a 400.
/// </summary>
public static class Cursors
{
    private const string ConversationPrefix = "c1:", MessagePrefix = "m1:";

    /// <summary>Position after a conversation in the newest-first list: its <c>updatedAt</c> and id.</summary>
    public static string ForConversation(DateTime updatedAt, Guid id) =>
        Encode(string.Create(CultureInfo.InvariantCulture, $"{ConversationPrefix}{updatedAt.Ticks}:{id:N}"));

    public static bool TryParseConversation(string? cursor, out DateTime updatedAt, out Guid id)
    {
        updatedAt = default;
        id = default;
        if (Decode(cursor) is not { } text || !text.StartsWith(ConversationPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = text[ConversationPrefix.Length..].Split(':');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks
            || !Guid.TryParseExact(parts[1], "N", out id))
        {
            return false;
        }

        updatedAt = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    /// <summary>Position before a message (older messages have a smaller <c>Seq</c>).</summary>
    public static string ForMessage(long seq) => Encode(string.Create(CultureInfo.InvariantCulture, $"{MessagePrefix}{seq}"));

    public static bool TryParseMessage(string? cursor, out long seq)
    {
        seq = 0;
        return Decode(cursor) is { } text && text.StartsWith(MessagePrefix, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(MessagePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
