using System.Net;
using MikuCloud.Web.Api;
using MikuCloud.Web.Localization;

namespace MikuCloud.Web.Components.Account;

/// <summary>The API's account refusals in the user's words (never the API's raw text, except validation details).</summary>
public static class AuthMessages
{
    public static string Describe(UiText t, Exception error)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (error is not ApiException api)
        {
            return t["auth.error.unavailable"];
        }

        var code = api.Problem?.Code;
        return code switch
        {
            "login_throttled" => t.Format("auth.error.login_throttled", t.Wait(api.RetryAfter ?? TimeSpan.FromMinutes(1))),
            "invalid_credentials" or "account_disabled" or "signup_disabled" or "user_name_taken" or "setup_done" or "external_failed" or "unavailable"
                => t[$"auth.error.{code}"],
            "last_admin" => t["admin.error.last_admin"],
            "cannot_disable_self" => t["admin.error.cannot_disable_self"],
            _ when api.Status == HttpStatusCode.TooManyRequests => t.Format("state.limit.generic", t.Wait(api.RetryAfter ?? TimeSpan.FromMinutes(1))),
            _ when api.Status == HttpStatusCode.BadRequest => t.Format("auth.error.invalid", Details(api.Problem)),
            _ when (int)api.Status >= 500 => t["auth.error.unavailable"],
            _ => t.Format("account.error", Details(api.Problem)),
        };
    }

    /// <summary>A code from the query string (<c>?error=signup_disabled</c> after an OpenID Connect refusal), if known.</summary>
    public static string? ForCode(UiText t, string? code)
    {
        ArgumentNullException.ThrowIfNull(t);
        return code switch
        {
            "invalid_credentials" or "account_disabled" or "signup_disabled" or "user_name_taken" or "setup_done" or "external_failed" or "unavailable"
                => t[$"auth.error.{code}"],
            "external_refused" => t["auth.error.external_failed"],
            _ => null,
        };
    }

    private static string Details(ProblemDto? problem) =>
        problem?.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(e => e.Value)) : problem?.Detail ?? problem?.Title ?? "";
}
