using System.Net;
using System.Text;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.Reliability;

/// <summary>
/// Mutated chat requests (JSON and multipart), seeded and bounded: every one is answered with a 2xx stream or a 4xx
/// problem, never a 5xx, and the API is still healthy afterwards.
/// </summary>
public class RequestFuzzTests : ApiTest
{
    private const int Iterations = 300;

    [Fact]
    public async Task Mutated_requests_never_get_a_5xx()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = api.CreateClient();
        var id = await api.NewConversationAsync();
        var random = new Random(20261124);
        var jpeg = TestImages.SolidJpeg(64, 48, TestImages.Green);
        var json = Encoding.UTF8.GetBytes($$"""{"content":"你好 hi","presetId":"vision","options":{"temperature":0.5,"stop":["x"]},"images":[{"mediaType":"image/jpeg","data":"{{Convert.ToBase64String(jpeg)}}"}]}""");
        var multipart = await ChatTestExtensions.Multipart("你好", ("a.jpg", jpeg)).ReadAsByteArrayAsync(ct);
        var boundary = Encoding.ASCII.GetString(multipart).Split("\r\n")[0][2..];
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < Iterations; i++)
        {
            var asJson = i % 2 == 0;
            var body = Mutate(asJson ? json : multipart, random);
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", asJson ? "application/json" : $"multipart/form-data; boundary={(random.Next(10) == 0 ? "wrong" : boundary)}");
            using var response = await client.PostAsync($"/api/conversations/{id}/messages", content, ct);
            await response.Content.ReadAsByteArrayAsync(ct); // drain the stream when one was accepted
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status < 500, $"iteration {i}: {status} for a {(asJson ? "JSON" : "multipart")} body of {body.Length} bytes: {string.Concat(Encoding.UTF8.GetString(body).Take(300))} → {await response.Content.ReadAsStringAsync(ct)}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(statuses.Keys.Count(s => s >= 400) >= 2, "the mutations should exercise several refusals");
        using var health = await client.GetAsync("/alive", ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;                            // bit flip
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;                             // truncation
                case 2: bytes.InsertRange(at, RandomBytes(random, random.Next(1, 16))); break;      // garbage, invalid UTF-8
                case 3: bytes.InsertRange(at, "\u0000\u0007\u001b"u8.ToArray()); break;             // control characters
                case 4: bytes.InsertRange(at, "{\"a\":[[[[[[[[[[[[[[[[[[[["u8.ToArray()); break;      // nesting
                default: bytes.RemoveAt(at); break;
            }
        }

        return bytes.ToArray();
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var buffer = new byte[count];
        random.NextBytes(buffer);
        return buffer;
    }
}
