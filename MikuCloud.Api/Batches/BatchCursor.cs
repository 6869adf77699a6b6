using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace MikuCloud.Api.Batches;

/// <summary>Opaque cursors of the batch lists (base64url of a short versioned text): a position in the newest-first list, or after an item's index.</summary>
public static class BatchCursor
{
    private const string BatchPrefix = "b1:", ItemPrefix = "i1:";

    public static string ForBatch(DateTime createdAt, Guid id) => Encode(string.Create(CultureInfo.InvariantCulture, $"{BatchPrefix}{createdAt.Ticks}:{id:N}"));

    public static bool TryParseBatch(string cursor, out DateTime createdAt, out Guid id)
    {
        (createdAt, id) = (default, default);
        if (Decode(cursor) is not { } text || !text.StartsWith(BatchPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = text[BatchPrefix.Length..].Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTime.MaxValue.Ticks || !Guid.TryParseExact(parts[1], "N", out id))
        {
            return false;
        }

        createdAt = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    public static string ForItem(int index) => Encode(string.Create(CultureInfo.InvariantCulture, $"{ItemPrefix}{index}"));

    public static bool TryParseItem(string cursor, out int index)
    {
        index = 0;
        return Decode(cursor) is { } text && text.StartsWith(ItemPrefix, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(ItemPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string? Decode(string cursor)
    {
        if (cursor.Length > 200)
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
