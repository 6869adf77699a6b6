using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Reliability;

/// <summary>
/// Outside Development, minimal APIs answer a body they cannot bind with a bare 400; MikuCloud's promise is a problem
/// with a <c>code</c> in every environment, so a client can tell what went wrong.
/// </summary>
public class ProductionBindingTests : ApiTest
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["environment"] = "Production";

    [Theory]
    [InlineData("/api/keys", "{\"name\":")]
    [InlineData("/api/keys", "{\"name\": 42}")]
    [InlineData("/api/me/password", "[1, 2")]
    public async Task A_body_the_operation_cannot_bind_is_a_problem_with_a_code_in_production(string path, string body)
    {
        using var client = api.CreateClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(path, content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.False(string.IsNullOrEmpty((string?)problem["code"]), problem.ToJsonString());
        Assert.DoesNotContain("MikuCloud.", (string?)problem["detail"] ?? "", StringComparison.Ordinal);
    }
}
