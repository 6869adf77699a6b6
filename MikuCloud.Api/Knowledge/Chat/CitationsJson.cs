using System.Text.Json;

namespace MikuCloud.Api.Knowledge;

/// <summary>
/// <c>Message.CitationsJson</c> both ways: the contract's <see cref="CitationDto"/> list as stored with an answer and as
/// read back for <see cref="MessageDto.Citations"/>. One set of options, so what is written is what is read.
/// </summary>
public static class CitationsJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The stored form; null for no citations (a turn without knowledge bases, or nothing found).</summary>
    public static string? Write(IReadOnlyList<CitationDto>? citations) =>
        citations is null or { Count: 0 } ? null : JsonSerializer.Serialize(citations, Options);

    /// <summary>The citations of a stored answer; null when it has none (or the column holds something unreadable).</summary>
    public static IReadOnlyList<CitationDto>? Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<List<CitationDto>>(json, Options);
        }
        catch (JsonException)
        {
            // Written only by Write; a hand-edited row must not break reading the whole conversation.
            return null;
        }
    }
}
