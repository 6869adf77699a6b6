using System.Net;
using System.Text.Json;

namespace MikuCloud.Tests.Persistence;

/// <summary>Assertions on RFC 7807 problem responses.</summary>
internal static class Problems
{
    /// <summary>Asserts a problem+json response with <paramref name="status"/>; returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        // Every problem names what happened with a code from the shared list (one error model).
        Assert.True(body.TryGetProperty("code", out var code) && Api.ProblemCodesTests.Known.Contains(code.GetString()!), $"no known code in {body}");
        return body;
    }

    /// <summary>Asserts a 400 validation problem whose <c>errors</c> name <paramref name="field"/>; returns that field's messages.</summary>
    public static async Task<string[]> AssertValidationAsync(HttpResponseMessage response, string field)
    {
        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(body.TryGetProperty("errors", out var errors), $"no errors in {body}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no errors.{field} in {body}");
        var list = messages.EnumerateArray().Select(m => m.GetString()!).ToArray();
        Assert.NotEmpty(list);
        return list;
    }
}
