using System.Net.Http.Json;
using System.Text;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Reliability;

/// <summary>
/// Every operation of <c>/openapi/v1.json</c> gets every hostile body: declared far over any limit, chunked past it,
/// invalid UTF-8 and unpaired surrogates in each documented property (as values, names, list items), deep nesting, the
/// wrong content type, cut off, and dripping in slower than Kestrel's minimum rate. None may answer 5xx or log an
/// unhandled exception. A new operation joins by being documented.
/// </summary>
[Collection(nameof(Images.SerialPerformance))] // sends tens of MB: alone, so tests measuring allocations are not disturbed
public class HostileBodyFuzzTests : AccountsApiTest
{
    private const string InvalidUtf8 = "\u00c3(", LoneSurrogate = "\\ud800", Multipart = "multipart/form-data; boundary=b";

    private sealed record Case(string Name, string ContentType, byte[] Body, long? DeclaredLength, RawHttp.Delivery Delivery);

    /// <summary>No request-rate limit: the sweep sends over a thousand requests, and a 429 would test nothing.</summary>
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Limits:RequestsPerMinute"] = "0";
    }

    [Fact]
    public async Task No_documented_operation_answers_a_hostile_body_with_a_5xx()
    {
        var admin = await SetupAdminAsync();
        var bob = await AddUserAsync(admin, "bob");
        using var client = As(admin);
        var conversation = await CreateConversationAsync(client, "kept");
        using (var send = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversation}/messages")
        {
            Content = ChatTestExtensions.Multipart("看这张图", ("cat.jpg", TestImages.SolidJpeg(64, 64, TestImages.Blue))),
        }, Ct))
        {
            Assert.Contains(await Sse.AllAsync(send, Ct), e => e.Name == "done");
        }

        var messages = await api.MessagesAsync(Guid.Parse(conversation));
        var ids = new Dictionary<string, string>
        {
            ["conversation"] = conversation, ["message"] = messages[^1].Id.ToString(), ["image"] = messages[0].Images.Single().Id.ToString(),
            ["user"] = bob.User.Id,
        };
        using (var key = await client.PostAsJsonAsync("/api/keys", new { name = "script" }, Ct))
        {
            ids["key"] = (await key.Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!.Id.ToString();
        }

        var batch = await Batches.BatchClient.CreateBatchAsync(client, "kept", Batches.BatchTestData.Images(1), new() { ["start"] = "false" }, Ct);
        (ids["batch"], ids["batchItem"]) = (batch["batch"]!["id"]!.GetValue<string>(), batch["added"]![0]!["id"]!.GetValue<string>());

        var knowledgeBase = await Knowledge.KnowledgeClient.CreateBaseAsync(client, "kept", cancellationToken: Ct);
        ids["knowledgeBase"] = knowledgeBase.ToString();
        ids["knowledgeDocument"] = (await Knowledge.KnowledgeClient.AddDocumentAsync(client, knowledgeBase, "kept.txt", "kept"u8.ToArray(), Ct)).ToString();
        ids["chunk"] = "1";

        // Deleting is not what is tested: those get unknown ids, so the rest of the sweep still finds its data.
        var unknown = ids.ToDictionary(kv => kv.Key, kv => kv.Key switch { "user" => Guid.NewGuid().ToString("N"), "chunk" => "2", _ => Guid.NewGuid().ToString() });
        var operations = await OperationsAsync();
        Assert.True(operations.Count(o => o.HasBody) >= 8, $"only {operations.Count(o => o.HasBody)} operations with a body in the document");

        var baseAddress = client.BaseAddress!;
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var slow = new List<Task>();
        foreach (var operation in operations)
        {
            var path = OpenApiOperations.Fill(operation.Path, operation.Method == "DELETE" ? unknown : ids);
            foreach (var hostile in Cases(operation))
            {
                var call = Send(operation, path, hostile);
                if (hostile.Delivery == RawHttp.Delivery.Slow)
                {
                    slow.Add(call); // together: each takes Kestrel's grace period
                    continue;
                }

                await call;
            }
        }

        await Task.WhenAll(slow);
        await Task.Delay(500, Ct);

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        var unhandled = api.Logs.Where(line => line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase)).Take(3).ToList();
        unhandled.ForEach(line => TestContext.Current.TestOutputHelper?.WriteLine(line));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20).Concat(unhandled)));
        Assert.DoesNotContain(api.Logs, line => line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
        Assert.True(statuses.Keys.Count(s => s is >= 400 and < 500) >= 4, "the sweep should meet several kinds of refusal");
        // Nothing the hostile bodies carried was taken: the conversation is as it was.
        var kept = await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/conversations/{conversation}", Ct);
        Assert.Equal("kept", kept!["title"]!.GetValue<string>());
        // (The branch shown: a regenerate the sweep's well-formed bodies ran keeps the earlier answer as a sibling.)
        Assert.Equal(messages.Count, (await client.GetFromJsonAsync<Page<MessageDto>>($"/api/conversations/{conversation}/messages", Ct))!.Items.Count);
        var keptBatch = await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/batches/{ids["batch"]}", Ct);
        Assert.Equal(1, keptBatch!["total"]!.GetValue<int>()); // (bodiless operations like start did their job: only added items would be taken)
        var keptBase = await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/knowledge/bases/{knowledgeBase}", Ct);
        Assert.Equal("kept", keptBase!["name"]!.GetValue<string>());

        async Task Send(OpenApiOperation operation, string path, Case hostile)
        {
            var bearer = operation.Path.StartsWith("/api/auth/", StringComparison.Ordinal)
                ? WebTokens.Service(api.TokenKey)
                : WebTokens.User(api.TokenKey, admin.User.Id, admin.Stamp);
            var headers = new List<KeyValuePair<string, string>> { new("Authorization", $"Bearer {bearer}") };
            if (hostile.ContentType.Length > 0)
            {
                headers.Add(new("Content-Type", hostile.ContentType));
            }

            // A request that gets no answer fails with its name instead of holding the whole run (an event stream once did).
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            limit.CancelAfter(TimeSpan.FromMinutes(2));
            RawResponse response;
            try
            {
                response = await RawHttp.SendAsync(baseAddress, operation.Method, path, headers, hostile.Body, hostile.DeclaredLength, hostile.Delivery, limit.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                lock (failures)
                {
                    failures.Add($"{operation} with {hostile.Name}: no answer within two minutes");
                }

                return;
            }

            lock (failures)
            {
                statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
                if (response.Status >= 500)
                {
                    failures.Add($"{operation} with {hostile.Name}: {response}");
                }
            }
        }
    }

    private async Task<List<OpenApiOperation>> OperationsAsync()
    {
        using var anonymous = Anonymous();
        return await OpenApiOperations.ReadAsync(anonymous, Ct);
    }

    private static IEnumerable<Case> Cases(OpenApiOperation operation)
    {
        const string json = "application/json";
        var properties = operation.BodyProperties.Count > 0 ? operation.BodyProperties : ["title"];
        var first = properties[0];
        yield return new("a declared length of 300 MB", json, Encoding.UTF8.GetBytes("{}"), 300L * 1024 * 1024, RawHttp.Delivery.Whole);
        var chunked = operation.HasBody ? 32 * 1024 * 1024 : 1024 * 1024;
        yield return new($"{chunked / 1048576} MB chunked", json, Encoding.UTF8.GetBytes($"{{\"{first}\":\"{new string('a', chunked)}\"}}"), null, RawHttp.Delivery.Whole);
        foreach (var property in properties)
        {
            foreach (var bad in new[] { InvalidUtf8, LoneSurrogate })
            {
                foreach (var template in new[] { "{\"P\":\"#\"}", "{\"P\":{\"#\":1}}", "{\"P\":[\"#\"]}", "{\"P\":{\"stop\":[\"#\"]}}" })
                {
                    var text = template.Replace("P", property, StringComparison.Ordinal).Replace("#", bad, StringComparison.Ordinal);
                    yield return new($"{text} ({(bad == InvalidUtf8 ? "bytes c3 28" : "unpaired surrogate")})", json, Bytes(text), null, RawHttp.Delivery.Whole);
                }
            }
        }

        yield return new("an invalid UTF-8 property name", json, Bytes($"{{\"{InvalidUtf8}\":1}}"), null, RawHttp.Delivery.Whole);
        var deep = $"{{\"{first}\":{new string('[', 5000)}{new string(']', 5000)}}}";
        yield return new("5,000 nested arrays", json, Bytes(deep), null, RawHttp.Delivery.Whole);
        yield return new("10,000 nested objects", json, Bytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000))), null, RawHttp.Delivery.Whole);
        yield return new("text/plain", "text/plain", Bytes($"{{\"{first}\":\"x\"}}"), null, RawHttp.Delivery.Whole);
        yield return new("application/xml", "application/xml", Bytes("<a>x</a>"), null, RawHttp.Delivery.Whole);
        yield return new("multipart without a boundary", "multipart/form-data", Bytes("--x\r\n\r\n"), null, RawHttp.Delivery.Whole);
        // Batch uploads read multipart part by part themselves: hostile parts for them (the message endpoint's multipart
        // reader takes invalid UTF-8 in a text field as U+FFFD, which is not what this sweep is about).
        foreach (var property in operation.Path.StartsWith("/api/batches", StringComparison.Ordinal) ? properties : [])
        {
            var field = $"--b\r\nContent-Disposition: form-data; name=\"{property}\"\r\n\r\n{InvalidUtf8}\r\n--b--\r\n";
            yield return new($"multipart {property} as invalid UTF-8", Multipart, Bytes(field), null, RawHttp.Delivery.Whole);
        }

        var file = "--b\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"../../etc/passwd\"\r\n\r\n";
        yield return new("multipart with a file that is not an image", Multipart, Bytes(file + "root:x:0:0\r\n--b--\r\n"), null, RawHttp.Delivery.Whole);
        yield return new("multipart cut off inside a file", Multipart, Bytes(file + new string('x', 100)), 5000, RawHttp.Delivery.Truncated);
        yield return new("multipart with 100 KB of headers", Multipart, Bytes($"--b\r\nX-Long: {new string('h', 100_000)}\r\n\r\nx\r\n--b--\r\n"), null, RawHttp.Delivery.Whole);
        yield return new("JSON in UTF-16", "application/json; charset=utf-16", Encoding.Unicode.GetBytes($"{{\"{first}\":\"x\"}}"), null, RawHttp.Delivery.Whole);
        yield return new("no content type", "", Bytes($"{{\"{first}\":\"x\"}}"), null, RawHttp.Delivery.Whole);
        yield return new("a body cut off", json, Bytes($"{{\"{first}\":\"cut"), 1000, RawHttp.Delivery.Truncated);
        yield return new("a body dripping in", json, Bytes($"{{\"{first}\":\"{new string('s', 200)}\"}}"), 207 + first.Length, RawHttp.Delivery.Slow);
    }

    /// <summary>The text as bytes; "\u00c3(" stands for the raw bytes c3 28, so it is written as Latin-1.</summary>
    private static byte[] Bytes(string text) =>
        text.Contains(InvalidUtf8, StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(text) : Encoding.UTF8.GetBytes(text);
}
