using MikuCloud.Tests.Api;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Reliability;

/// <summary>
/// Every documented GET operation's query parameters get hostile values — empty, huge, out-of-range numbers and
/// dates, invalid UTF-8, control characters, repeated — as an admin (who passes every policy). None may answer 5xx or
/// log an unhandled exception. A new parameter joins by being documented.
/// </summary>
public class HostileQueryFuzzTests : AccountsApiTest
{
    private static readonly string[] Values =
    [
        "", "%00", "%C3%28", "%ED%A0%80", "-1", "0", "99999999999999999999", "1e309", "NaN", "-2147483648", new string('9', 5000),
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "2026-02-30", "24h%0D%0ASet-Cookie:x", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE",
        "' OR 1=1 --", "\"", "[]", "{}", "true",
    ];

    /// <summary>No request-rate limit: the sweep sends hundreds of requests, and a 429 would test nothing.</summary>
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Limits:RequestsPerMinute"] = "0";
    }

    [Fact]
    public async Task No_documented_query_parameter_answers_a_hostile_value_with_a_5xx()
    {
        var admin = await SetupAdminAsync();
        using var client = As(admin);
        using var anonymous = Anonymous();
        var operations = (await OpenApiOperations.ReadAsync(anonymous, Ct)).Where(o => o.Method == "GET" && o.QueryParameters.Count > 0).ToList();
        Assert.Contains(operations, o => o.Path == "/api/admin/usage" && o.QueryParameters.Contains("from"));
        var ids = new Dictionary<string, string>
        {
            ["conversation"] = Guid.NewGuid().ToString(), ["message"] = Guid.NewGuid().ToString(), ["image"] = Guid.NewGuid().ToString(),
            ["user"] = admin.User.Id, ["key"] = Guid.NewGuid().ToString(), ["batch"] = Guid.NewGuid().ToString(), ["batchItem"] = Guid.NewGuid().ToString(),
            ["knowledgeBase"] = Guid.NewGuid().ToString(), ["knowledgeDocument"] = Guid.NewGuid().ToString(), ["chunk"] = "1",
        };

        var failures = new List<string>();
        var sent = 0;
        foreach (var operation in operations)
        {
            var path = OpenApiOperations.Fill(operation.Path, ids);
            foreach (var parameter in operation.QueryParameters)
            {
                foreach (var value in Values)
                {
                    foreach (var query in new[] { $"{parameter}={value}", $"{parameter}={value}&{parameter}={value}" })
                    {
                        using var response = await client.GetAsync($"{path}?{query}", HttpCompletionOption.ResponseHeadersRead, Ct);
                        sent++;
                        if ((int)response.StatusCode >= 500)
                        {
                            failures.Add($"GET {path}?{query}: {(int)response.StatusCode}");
                        }
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(sent >= 100, $"only {sent} requests");
        Assert.DoesNotContain(api.Logs, line => line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
    }
}
