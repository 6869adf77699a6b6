extern alias miku;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using miku::MikuCloud.Cli.Batches;
using MikuCloud.Testing;
using MikuCloud.Tests.Batches;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Cli;

/// <summary>
/// <c>miku batch</c> as a script runs it over a folder: every file accounted for in the results, exit codes a script
/// can branch on, and a rerun after an interruption that goes on instead of starting over.
/// </summary>
public sealed class MikuBatchTests : MikuToolTest
{
    private const string Prompt = "详细描述图片中的物体";
    private static readonly string Answer = string.Concat(FakeChatReply.WireChunks);

    [Fact]
    public async Task Miku_batch_over_a_folder_writes_a_result_for_every_file_and_exits_4_when_an_item_failed()
    {
        var key = await KeyAsync();
        var calls = 0;
        // One answer breaks off with a model error (that item fails alone); the others complete.
        api.Ollama.Chat = _ => Interlocked.Increment(ref calls) == 1
            ? new FakeChatReply { ErrorAfterChunks = "an error was encountered while running the model: CUDA error" }
            : new FakeChatReply();
        var photos = Photos("a.png", "b.png", "sub/c.png");
        await File.WriteAllTextAsync(Path.Combine(photos, "broken.png"), "not an image at all", Ct);
        await File.WriteAllTextAsync(Path.Combine(photos, "notes.txt"), "not a picture either", Ct);

        var (exitCode, stdout, stderr) = await MikuAsync(key, "batch", "photos", "-p", Prompt, "--out", "results.jsonl");

        Assert.True(exitCode == 4, $"exit {exitCode}\n{stdout}\n{stderr}");
        var records = JsonLines(Path.Combine(Folder, "results.jsonl"));
        Assert.Equal(["a.png", "b.png", "broken.png", "sub/c.png"], records.Select(r => r["file"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var images = records.Where(r => r["file"]!.GetValue<string>() != "broken.png").ToList();
        Assert.Equal(2, images.Count(r => r["status"]!.GetValue<string>() == "completed" && r["answer"]!.GetValue<string>() == Answer));
        Assert.False(string.IsNullOrEmpty(Assert.Single(images, r => r["status"]!.GetValue<string>() == "failed")["error"]!["code"]!.GetValue<string>()));
        var broken = records.Single(r => r["file"]!.GetValue<string>() == "broken.png");
        Assert.Equal("refused", broken["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(broken["error"]!["code"]!.GetValue<string>()));
        Assert.Contains("broken.png", stderr, StringComparison.Ordinal);
        Assert.Contains("2 completed, 1 failed", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Folder, "results.jsonl" + BatchState.Suffix)), "the state file is gone once the results are written");
    }

    [Fact]
    public async Task Miku_batch_with_out_csv_writes_well_formed_csv_with_a_row_for_every_file()
    {
        var key = await KeyAsync();
        var photos = Photos("one.png", "two.png");
        await File.WriteAllTextAsync(Path.Combine(photos, "=SUM(A1).png"), "a formula, not an image", Ct);

        var (exitCode, stdout, stderr) = await MikuAsync(key, "batch", "photos", "-p", Prompt, "--out", "results.csv");

        Assert.True(exitCode == 4, $"exit {exitCode}\n{stdout}\n{stderr}");
        var rows = Rfc4180.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "results.csv"), Ct));
        var header = rows[0];
        Assert.Equal(["index", "file", "status", "answer"], header.Take(4));
        Assert.All(rows, r => Assert.Equal(header.Count, r.Count));
        var byFile = rows.Skip(1).ToDictionary(r => r[1], r => r);
        Assert.Equal(["'=SUM(A1).png", "one.png", "two.png"], byFile.Keys.Order(StringComparer.Ordinal));
        Assert.All(new[] { byFile["one.png"], byFile["two.png"] }, r => Assert.Equal(("completed", Answer), (r[2], r[3])));
        var refused = byFile["'=SUM(A1).png"];
        Assert.Equal("refused", refused[2]);
        Assert.False(string.IsNullOrEmpty(refused[header.IndexOf("errorCode")]));
        Assert.Contains("2 completed, 0 failed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Miku_batch_with_a_schema_and_options_sends_them_to_the_model_and_writes_each_answer_as_parsed_json()
    {
        var key = await KeyAsync();
        api.Ollama.Chat = _ => new FakeChatReply { Chunks = ["{\"objects\": ", "[\"cat\", \"窗台\"]}"] };
        Photos("cat.png");
        const string schema = """{"type":"object","properties":{"objects":{"type":"array","items":{"type":"string"}}},"required":["objects"]}""";
        await File.WriteAllTextAsync(Path.Combine(Folder, "objects.schema.json"), schema, Ct);

        var (exitCode, stdout, stderr) = await MikuAsync(key, "batch", "photos", "-p", Prompt, "--schema", "objects.schema.json",
            "--options", """{"temperature":0.2}""", "--out", "objects.jsonl");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        var sent = Assert.Single(api.Ollama.ChatRequests);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(schema), sent["format"]), sent.ToJsonString());
        Assert.Equal(0.2, sent["options"]!["temperature"]!.GetValue<double>(), 3);
        var record = Assert.Single(JsonLines(Path.Combine(Folder, "objects.jsonl")));
        Assert.Equal(["cat", "窗台"], record["json"]!["objects"]!.AsArray().Select(o => o!.GetValue<string>()));
    }

    [Fact]
    public async Task A_rerun_after_an_interrupted_upload_sends_only_the_missing_files_so_each_becomes_one_item()
    {
        var key = await KeyAsync();
        var photos = Photos("a.png", "b.png", "c.png");
        using (var zip = System.IO.Compression.ZipFile.Open(Path.Combine(photos, "more.zip"), System.IO.Compression.ZipArchiveMode.Create))
        {
            foreach (var (name, seed) in new[] { ("x.png", 7), ("y.png", 8) })
            {
                await using var entry = await zip.CreateEntry(name).OpenAsync(Ct);
                await entry.WriteAsync(TestImages.Png(TestImages.PhotoLike(48, 32, seed)), Ct);
            }
        }

        using var client = WithApiKey(key);
        // What a run killed mid-upload leaves: a draft with a.png and more.zip, and a state file that only got to record
        // a.png (the kill came after the API took more.zip, before the state was saved).
        var batchId = await DraftWithAsync(client, photos, "a.png", "more.zip");
        var results = Path.Combine(Folder, "results.jsonl");
        new BatchState
        {
            Url = Environment(key)["MIKU_URL"], BatchId = batchId, Prompt = Prompt, Out = results, Paths = [photos], Uploaded = ["a.png"],
        }.Save(BatchState.PathFor(results));

        var (exitCode, stdout, stderr) = await MikuAsync(key, "batch", "photos", "-p", Prompt, "--out", "results.jsonl");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains($"Resuming batch {batchId}", stderr, StringComparison.Ordinal);
        var items = (await client.GetFromJsonAsync<JsonObject>($"/api/batches/{batchId}/items?limit=200", Ct))!["items"]!.AsArray();
        Assert.Equal(["a.png", "b.png", "c.png", "more.zip/x.png", "more.zip/y.png"],
            items.Select(i => i!["fileName"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(5, JsonLines(results).Count);
        var batches = (await client.GetFromJsonAsync<JsonObject>("/api/batches", Ct))!["items"]!.AsArray();
        Assert.Single(batches);
    }

    [Fact]
    public async Task A_run_killed_while_the_batch_runs_is_followed_to_its_results_by_the_same_command_without_a_second_batch()
    {
        var key = await KeyAsync();
        var release = new TaskCompletionSource();
        api.Ollama.Chat = _ => new FakeChatReply { FinishWhen = release.Task };
        Photos("a.png", "b.png");
        var state = BatchState.PathFor(Path.Combine(Folder, "results.jsonl"));
        string[] command = ["batch", "photos", "-p", Prompt, "--out", "results.jsonl"];

        await using (var first = MikuProcess.Start(Environment(key), Folder, command))
        {
            await Poll.UntilAsync(() => Retry(() => File.Exists(state) && BatchState.Load(state)!.Started), "timed out waiting for the batch to start", TimeSpan.FromSeconds(60));
            first.Kill();
        }

        release.SetResult();
        var (exitCode, stdout, stderr) = await MikuAsync(key, command);

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains("Resuming batch", stderr, StringComparison.Ordinal);
        Assert.Equal(2, JsonLines(Path.Combine(Folder, "results.jsonl")).Count(r => r["status"]!.GetValue<string>() == "completed"));
        using var client = WithApiKey(key);
        var batch = Assert.Single((await client.GetFromJsonAsync<JsonObject>("/api/batches", Ct))!["items"]!.AsArray())!;
        Assert.Equal(2, batch["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Miku_batch_cancel_stops_a_running_batch_and_the_run_following_it_exits_5_with_the_results_written()
    {
        var key = await KeyAsync();
        api.Ollama.Chat = _ => new FakeChatReply { HangAfterChunks = true };
        Photos("a.png", "b.png", "c.png");
        var state = BatchState.PathFor(Path.Combine(Folder, "results.jsonl"));
        await using var run = MikuProcess.Start(Environment(key), Folder, "batch", "photos", "-p", Prompt, "--out", "results.jsonl");
        await Poll.UntilAsync(() => Retry(() => File.Exists(state) && BatchState.Load(state)!.Started), "timed out waiting for the batch to start", TimeSpan.FromSeconds(60));
        var id = BatchState.Load(state)!.BatchId.ToString();

        var cancel = await MikuAsync(key, "batch", "cancel", id);
        var status = await MikuAsync(key, "batch", "status", id);

        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
        Assert.Contains($"Batch {id} cancelled", cancel.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"status\W+cancelled", status.Stdout);
        Assert.Equal(5, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(3, JsonLines(Path.Combine(Folder, "results.jsonl")).Count);
        var download = await MikuAsync(key, "batch", "results", id, "--out", "again.csv");
        Assert.Equal(0, download.ExitCode);
        Assert.Equal(4, (await File.ReadAllLinesAsync(Path.Combine(Folder, "again.csv"), Ct)).Length);
    }

    [Fact]
    public async Task A_credential_the_api_forbids_exits_2_with_one_line_naming_the_403_and_no_batch_is_made()
    {
        // The Web front end's own service token in MIKU_KEY: a valid credential, but not a user's, so the API answers 403.
        await KeyAsync();
        var serviceToken = MikuCloud.Tests.Security.WebTokens.Service(api.TokenKey);
        Photos("a.png", "b.png");

        var (exitCode, stdout, stderr) = await MikuAsync(serviceToken, "batch", "photos", "-p", Prompt, "--out", "results.jsonl");

        Assert.True(exitCode == 2, $"exit {exitCode}\n{stdout}\n{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("may not do that", line, StringComparison.Ordinal);
        Assert.Contains("(403 forbidden; key ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(serviceToken, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^\s+at \S", stderr);
        Assert.Equal(0, await api.WithDbAsync(db => db.Batches.CountAsync(Ct)));
        Assert.Empty(api.Ollama.ChatRequests);
    }

    /// <summary>A folder <c>photos</c> in the scratch folder with small distinct PNGs at <paramref name="names"/>.</summary>
    private string Photos(params string[] names)
    {
        var folder = Path.Combine(Folder, "photos");
        for (var i = 0; i < names.Length; i++)
        {
            var path = Path.Combine(folder, names[i]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, TestImages.Png(TestImages.PhotoLike(48, 32, seed: i + 1)));
        }

        return folder;
    }

    private static async Task<Guid> DraftWithAsync(HttpClient client, string folder, params string[] names)
    {
        using var form = new MultipartFormDataContent { { new StringContent(Prompt), "prompt" }, { new StringContent("false"), "start" } };
        foreach (var name in names)
        {
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(folder, name), Ct)), "files", name);
        }

        using var created = await client.PostAsync("/api/batches", form, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["batch"]!["id"]!.GetValue<Guid>();
    }

    private static List<JsonObject> JsonLines(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    /// <summary>The condition, counting a state file caught mid-replace as not yet.</summary>
    private static bool Retry(Func<bool> condition)
    {
        try
        {
            return condition();
        }
        catch (Exception ex) when (ex is IOException or miku::MikuCloud.Cli.CliFailure or JsonException)
        {
            return false;
        }
    }
}
