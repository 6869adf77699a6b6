using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;

namespace MikuCloud.Tests.Api;

/// <summary>
/// One error model: every problem the API answers carries a <c>code</c>, and that code is one of
/// <see cref="ProblemCodes"/> (the list the Web and scripts branch on).
/// </summary>
public class ProblemCodesTests : ApiTest
{
    /// <summary>Every value of <see cref="ProblemCodes"/>.</summary>
    public static IReadOnlySet<string> Known { get; } = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

    private HttpClient client => field ??= api.CreateClient();

    [Fact]
    public void Problem_codes_are_distinct_snake_case_words()
    {
        var values = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.True(values.Count > 40, $"only {values.Count} codes");
        Assert.Equal(values.Count, Known.Count); // two constants with the same code would hide a mix-up
        Assert.All(values, code => Assert.Matches("^[a-z]+(_[a-z]+)*$", code));
    }

    [Theory]
    [InlineData("GET", "/api/conversations/00000000-0000-0000-0000-000000000001", 404, ProblemCodes.ConversationNotFound)]
    [InlineData("GET", "/api/conversations/00000000-0000-0000-0000-000000000001/messages", 404, ProblemCodes.ConversationNotFound)]
    [InlineData("DELETE", "/api/conversations/00000000-0000-0000-0000-000000000001", 404, ProblemCodes.ConversationNotFound)]
    [InlineData("GET", "/api/images/00000000-0000-0000-0000-000000000001", 404, ProblemCodes.ImageNotFound)]
    [InlineData("GET", "/api/conversations?limit=0", 400, ProblemCodes.InvalidRequest)]
    [InlineData("GET", "/api/stats?window=forever", 400, ProblemCodes.InvalidRequest)]
    [InlineData("GET", "/api/no-such-operation", 404, ProblemCodes.NotFound)]
    [InlineData("PUT", "/api/conversations", 405, ProblemCodes.MethodNotAllowed)]
    public async Task A_refusal_the_API_answers_carries_its_code(string method, string path, int status, string code)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True((HttpStatusCode)status == response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonNode.Parse(text)!["code"]?.GetValue<string>());
    }
}
