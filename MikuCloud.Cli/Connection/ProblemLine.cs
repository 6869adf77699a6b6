using MikuCloud.Contracts;

namespace MikuCloud.Cli.Connection;

/// <summary>An API refusal (RFC 7807 with a <c>code</c>) as the one line a person reads: what, why, and the code to search for.</summary>
public static class ProblemLine
{
    /// <summary>E.g. <c>The API key is not valid. (401 invalid_api_key; key mkc_…1a2b)</c>.</summary>
    public static string Of(int status, string? reason, ProblemDto? problem, MikuEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var what = problem?.Detail ?? problem?.Title ?? reason ?? "The request was refused.";
        if (problem?.Errors is { Count: > 0 } errors)
        {
            what += " " + string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));
        }

        var code = problem?.Code is { } c ? $"{status} {c}" : $"{status}";
        var hint = status is 401 or 403 ? $"; key {endpoint.MaskedKey}" : "";
        return $"{OneLine(what)} ({code}{hint})";
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
