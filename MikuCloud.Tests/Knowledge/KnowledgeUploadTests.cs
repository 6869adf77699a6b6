using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Tests.Images;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// Uploading documents: each file is judged alone (its type by its bytes, its size, a duplicate, the quotas) and a
/// refused one never stops the others; what is kept is queued for reading.
/// </summary>
public class KnowledgeUploadTests : AccountsApiTest
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Knowledge:MaxFileBytes"] = "20000";
        settings["Knowledge:MaxDocumentsPerBase"] = "4";
        settings["Knowledge:MaxStoredBytesPerUser"] = "50000";
        settings["Knowledge:MaxFilesPerUpload"] = "6";
    }

    [Fact]
    public async Task Each_file_of_an_upload_is_kept_or_refused_alone_with_a_code()
    {
        using var alice = As(await SetupAdminAsync());
        var id = await alice.CreateBaseAsync("mixed", cancellationToken: Ct);
        var notes = Encoding.UTF8.GetBytes("# 会议记录\n\n下周一发布。\n");
        var added = await alice.UploadAsync(id,
        [
            ("notes.md", notes),
            ("program.exe", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]),
            ("notes-again.md", notes),
            ("huge.txt", Encoding.UTF8.GetBytes(new string('a', 20_001))),
            ("photo.jpg", TestImages.SolidJpeg(64, 48, TestImages.Red)),
        ], Ct);

        Assert.Equal([("notes.md", "text/markdown"), ("photo.jpg", "image/jpeg")],
            added["added"]!.AsArray().Select(d => (d!["fileName"]!.GetValue<string>(), d["mediaType"]!.GetValue<string>())));
        Assert.All(added["added"]!.AsArray(), d => Assert.Equal("queued", d!["status"]!.GetValue<string>()));
        Assert.Equal(
            [("program.exe", ProblemCodes.KnowledgeUnsupportedType), ("notes-again.md", ProblemCodes.KnowledgeFileDuplicate), ("huge.txt", ProblemCodes.KnowledgeFileTooLarge)],
            added["refused"]!.AsArray().Select(r => (r!["fileName"]!.GetValue<string>(), r["code"]!.GetValue<string>())));

        // The same file in a later upload is a duplicate too; the base lists what was kept, in upload order.
        var again = await alice.UploadAsync(id, [("copy.md", notes)], Ct);
        Assert.Equal(ProblemCodes.KnowledgeFileDuplicate, again["refused"]![0]!["code"]!.GetValue<string>());
        var listed = await alice.GetFromJsonAsync<JsonArray>($"/api/knowledge/bases/{id}/documents", Ct);
        Assert.Equal(["notes.md", "photo.jpg"], listed!.Select(d => d!["fileName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Quotas_refuse_the_files_past_them_and_keep_the_rest()
    {
        var admin = await SetupAdminAsync();
        using var alice = As(admin);
        var full = await alice.CreateBaseAsync("four at most", cancellationToken: Ct);
        var files = Enumerable.Range(1, 6).Select(i => ($"n{i}.txt", Encoding.UTF8.GetBytes($"note number {i}"))).ToArray();
        var added = await alice.UploadAsync(full, files, Ct);
        Assert.Equal(4, added["added"]!.AsArray().Count);
        Assert.Equal([ProblemCodes.KnowledgeDocumentLimit, ProblemCodes.KnowledgeDocumentLimit], added["refused"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()));

        // Bytes per user count across bases: 50,000 in all, 19,000 per file.
        var other = await alice.CreateBaseAsync("big files", cancellationToken: Ct);
        var big = Enumerable.Range(1, 3).Select(i => ($"big{i}.txt", Encoding.UTF8.GetBytes(new string((char)('a' + i), 19_000)))).ToArray();
        var second = await alice.UploadAsync(other, big, Ct);
        Assert.Equal(["big1.txt", "big2.txt"], second["added"]!.AsArray().Select(d => d!["fileName"]!.GetValue<string>()));
        Assert.Equal(("big3.txt", ProblemCodes.KnowledgeStorageQuota),
            (second["refused"]![0]!["fileName"]!.GetValue<string>(), second["refused"]![0]!["code"]!.GetValue<string>()));

        // One upload adds at most six files.
        var many = await alice.CreateBaseAsync("many", cancellationToken: Ct);
        var seven = Enumerable.Range(1, 7).Select(i => ($"m{i}.txt", Encoding.UTF8.GetBytes($"m{i}"))).ToArray();
        var third = await alice.UploadAsync(many, seven, Ct);
        Assert.Equal(ProblemCodes.KnowledgeTooManyFiles, third["refused"]!.AsArray().Last()!["code"]!.GetValue<string>());
        Assert.Equal(4 + 2 + 4, await api.WithDbAsync(db => db.KnowledgeDocuments.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_upload_that_is_not_multipart_is_refused_with_a_code()
    {
        using var alice = As(await SetupAdminAsync());
        var id = await alice.CreateBaseAsync("b", cancellationToken: Ct);
        using var response = await alice.PostAsJsonAsync($"/api/knowledge/bases/{id}/documents", new { files = "x" }, Ct);
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, ProblemCodes.UnsupportedMediaType), (response.StatusCode, await CodeOf(response)));
    }
}
