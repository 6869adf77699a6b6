namespace MikuCloud.Bench;

/// <summary>
/// The gateway benchmark's third door: time to first token through <c>/v1/chat/completions</c> (streaming, the
/// <c>balanced</c> preset, stateless), measured in the same cell and rotation as the chat API and the direct side.
/// </summary>
public sealed partial class GatewayBenchmark
{
    private readonly byte[] openAiBody = OpenAiStreams.CompletionBody("请描述这张图片里的猫。 Describe the cat in this picture.");

    /// <summary>The sides of one round, rotated each round so that drift in the machine's load hits them alike.</summary>
    private static Side[] Order(int round, bool withOpenAi)
    {
        Side[] sides = withOpenAi ? [Side.Direct, Side.Api, Side.OpenAi] : [Side.Direct, Side.Api];
        var start = round % sides.Length;
        return [.. sides[start..], .. sides[..start]];
    }

    /// <summary>Direct, the chat API and <c>/v1</c> side by side for the time-to-first-token cell.</summary>
    private static void WriteDoors(Section section, Cell ttft)
    {
        if (ttft.OpenAi.Count == 0)
        {
            return;
        }

        section.Line($"**Time to first token by door** (1 stream, {ttft.Shape.Label}, same run, phases rotated): the chat API's turn reads and")
            .Line("writes the conversation; `/v1/chat/completions` (streaming, `miku-vl:balanced`) is stateless, so it stores nothing.")
            .Line();
        section.Table(
            ["door", "requests", "TTFT p50", "TTFT p99", "added p50", "added p99", "request → fake's first chunk p50", "first chunk → client p50", "API CPU per turn", "API allocated per turn", "errors"],
        [
            Row("straight to the fake Ollama (`/api/chat`)", ttft.Direct, ttft.DirectTtft, ttft.DirectTtft, api: false),
            Row("chat API (`POST /api/conversations/{id}/messages`)", ttft.Api, ttft.ApiTtft, ttft.DirectTtft, api: true),
            Row("OpenAI-compatible (`POST /v1/chat/completions`)", ttft.OpenAi, ttft.OpenAiTtft, ttft.DirectTtft, api: true),
        ]);
        if (ttft.OpenAi.Sum(p => p.Errors) is > 0 and var errors)
        {
            section.Failures.Add($"gateway: {errors} of the /v1 streams failed (first: {ttft.OpenAi.SelectMany(p => p.Results).First(r => r.Error is not null || !r.Done).Error})");
        }

        static IReadOnlyList<string> Row(string door, List<Phase> phases, Summary ttft, Summary direct, bool api)
        {
            var results = phases.SelectMany(p => p.Results).ToList();
            return
            [
                door, results.Count.ToString(), Fmt.Ms(ttft.P50), Fmt.Ms(ttft.P99),
                api ? Fmt.SignedMs(ttft.P50 - direct.P50) : "–", api ? Fmt.SignedMs(ttft.P99 - direct.P99) : "–",
                Fmt.Ms(Summary.Of(results.Select(r => r.UpstreamStartMs)).P50), Fmt.Ms(Summary.Of(results.Select(r => r.FirstRelayMs)).P50),
                api ? Fmt.Ms(phases.Sum(p => p.ApiCpuMs) / results.Count) : "–",
                api ? Fmt.Bytes((double)phases.Sum(p => p.ApiAllocated) / results.Count) : "–",
                phases.Sum(p => p.Errors).ToString(),
            ];
        }
    }
}
