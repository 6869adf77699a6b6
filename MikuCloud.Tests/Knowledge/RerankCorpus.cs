using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Knowledge;

/// <summary>
/// A base where fusion ranks the wrong passage first: a terse line of the question's rarest words beats, in full text
/// (shorter, bm25) and in vectors (fewer other words), the sentence that answers; a reader of both finds the answer.
/// </summary>
internal static class RerankCorpus
{
    public const string Question = "when was the zeppelin hangar in friedrichshafen built";

    public const string Terse = "Zeppelin hangar Friedrichshafen built.";

    public const string Answer = "The hangar in Friedrichshafen was built in 1909, when the zeppelin works moved there from the lake.";

    private static readonly string[] Others =
    [
        "The ferry was late when the harbour froze in the winter.",
        "The museum in the old station was opened when the railway closed.",
        "Boats were built in the harbour in the summer.",
    ];

    /// <summary>A base of the single user with the corpus as one document, one passage a page.</summary>
    public static async Task<Guid> SeedAsync(ApiFactory api)
    {
        var airships = await api.BaseAsync("airships");
        await api.DocumentAsync(airships, "airships.md", [Terse, Answer, .. Others]);
        return airships;
    }

    /// <summary>The chat requests that asked to rerank (their <c>format</c> schema asks for scores).</summary>
    public static IEnumerable<JsonObject> RerankRequests(ApiFactory api) => api.Ollama.ChatRequests.Where(r => r["format"] is JsonObject format && format["properties"]?["scores"] is not null);

    /// <summary>The passages of a rerank request in the order it numbered them (the fused order).</summary>
    public static List<string> PassagesOf(JsonObject rerank)
    {
        var prompt = rerank["messages"]!.AsArray().Last()!["content"]!.GetValue<string>();
        return [.. System.Text.RegularExpressions.Regex.Matches(prompt, "<passage id=\"\\d+\">\\n(.*?)\\n</passage>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)];
    }
}
