using System.Text;
using Microsoft.Net.Http.Headers;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Data;

namespace MikuCloud.Tests.Persistence;

public class CursorAndExportUnitTests
{
    [Fact]
    public void Cursors_round_trip_and_reject_anything_else()
    {
        var at = Timestamps.Truncate(new DateTime(2026, 5, 1, 12, 30, 15, DateTimeKind.Utc).AddTicks(1234567));
        var id = Guid.NewGuid();

        var cursor = Cursors.ForConversation(at, id);
        Assert.True(Cursors.TryParseConversation(cursor, out var parsedAt, out var parsedId));
        Assert.Equal((at, id), (parsedAt, parsedId));
        Assert.Equal(DateTimeKind.Utc, parsedAt.Kind);
        Assert.DoesNotContain('+', cursor); // URL-safe
        Assert.DoesNotContain('/', cursor);
        Assert.False(Cursors.TryParseMessage(cursor, out _));

        Assert.True(Cursors.TryParseMessage(Cursors.ForMessage(4242), out var seq));
        Assert.Equal(4242, seq);
        Assert.False(Cursors.TryParseConversation(Cursors.ForMessage(1), out _, out _));

        foreach (var bad in new[] { "", "!!!", "YQ", Base64("c1:abc:def"), Base64("c1:-5:" + Guid.Empty.ToString("N")), Base64("c1:99999999999999999999:x"), Base64("m1:-1"), Base64("m1:1 "), new string('a', 500) })
        {
            Assert.False(Cursors.TryParseConversation(bad, out _, out _), bad);
            Assert.False(Cursors.TryParseMessage(bad, out _), bad);
        }
    }

    [Theory]
    [InlineData("部署笔记：K8s/GPU?", "部署笔记：K8s GPU")]
    [InlineData("../../etc/passwd", ".. etc passwd")]
    [InlineData("evil\"; filename=x.exe\r\nSet-Cookie: a=b", "evil ; filename=x.exe Set-Cookie a=b")]
    [InlineData("  spaced   out  ", "spaced out")]
    [InlineData("Miku 🎤 live", "Miku 🎤 live")]
    [InlineData("...", "")]
    [InlineData("", "")]
    public void File_names_keep_the_title_without_unsafe_characters(string title, string expected) =>
        Assert.Equal(expected, ConversationExport.FileNameStem(title));

    [Fact]
    public void Long_titles_are_cut_at_a_character_boundary()
    {
        var stem = ConversationExport.FileNameStem(string.Concat(Enumerable.Repeat("🎤", 100)));

        Assert.True(stem.Length <= 80);
        Assert.Equal(stem.Length / 2, stem.EnumerateRunes().Count()); // no half surrogate pair
    }

    [Fact]
    public void Content_disposition_has_an_ascii_fallback_and_the_utf8_name()
    {
        var id = Guid.Parse("0123456789abcdef0123456789abcdef");

        var header = ContentDispositionHeaderValue.Parse(ConversationExport.ContentDisposition("你好 \"world\"", id, "md"));

        Assert.Equal("attachment", header.DispositionType.Value);
        Assert.Equal("world.md", header.FileName.Value?.Trim('"'));
        Assert.Equal("你好 world.md", header.FileNameStar.Value);

        var chineseOnly = ContentDispositionHeaderValue.Parse(ConversationExport.ContentDisposition("你好", id, "json"));
        Assert.Equal("mikucloud-chat-01234567.json", chineseOnly.FileName.Value?.Trim('"'));
    }

    [Fact]
    public void Stats_line_reports_what_is_known_and_the_status_when_not_complete()
    {
        var message = new MessageDto(Guid.NewGuid(), Guid.NewGuid(), MessageRole.Assistant, "partial", MessageStatus.Interrupted, "error",
            "vision", null, "miku-vl", [], new UsageDto(1234, null), new TimingsDto(95.4, null, null, null),
            new ErrorDto(ProblemCodes.ServerRestarted, "The server restarted."), DateTime.UtcNow, null);

        Assert.Equal("miku-vl · vision · 1,234 → ? tokens · first token 95 ms · interrupted: The server restarted.", ConversationExport.StatsLine(message));
    }

    private static string Base64(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
