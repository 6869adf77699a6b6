using System.Net;
using System.Net.Http.Headers;
using MikuCloud.Web.Api;

namespace MikuCloud.Web.Auth;

/// <summary>Puts the right credentials on a request to the API and hears about refusals.</summary>
public interface IApiCredentials
{
    /// <summary>Adds <c>Authorization</c> (or nothing, in SingleUser mode or when nobody is signed in).</summary>
    void Apply(HttpRequestMessage request);

    /// <summary>The API refused a request this instance authorised.</summary>
    void Refused(ApiException refusal);
}

/// <summary>
/// User tokens for whoever <see cref="CurrentUser"/> says is signed in in this scope. When the API says the session is
/// over (password changed, account disabled), the session is recorded as ended — the cookie stops working on its next
/// request — and <see cref="CurrentUser.SessionEnded"/> tells the page to send the browser to the sign-in page.
/// </summary>
public sealed class UserApiCredentials(CurrentUser user, ApiTokenIssuer issuer, WebAuthOptions settings, EndedSessions ended) : IApiCredentials
{
    /// <summary>Problem codes of a 401 that mean "sign in again".</summary>
    public static readonly IReadOnlySet<string> SessionOverCodes = new HashSet<string>(StringComparer.Ordinal) { ProblemCodes.SessionExpired, ProblemCodes.AccountDisabled };

    public void Apply(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (settings.IsSingleUser)
        {
            return; // the API in SingleUser mode trusts loopback callers and has one user
        }

        var principal = user.Principal;
        if (principal?.GetUserId() is { } id && principal.GetStamp() is { } stamp)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                issuer.ForUser(id, stamp, principal.FindFirst(MikuClaims.Name)?.Value ?? id));
        }
    }

    public void Refused(ApiException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (settings.IsSingleUser || refusal.Status != HttpStatusCode.Unauthorized || refusal.Problem?.Code is not { } code || !SessionOverCodes.Contains(code))
        {
            return;
        }

        var principal = user.Principal;
        if (principal?.GetUserId() is { } id && principal.GetStamp() is { } stamp)
        {
            ended.End(id, stamp);
        }

        user.RaiseSessionEnded(code);
    }
}

/// <summary>The Web's own service token, for <c>/api/auth/*</c> (sign-in, setup, sign-up, OpenID Connect linking).</summary>
public sealed class ServiceApiCredentials(ApiTokenIssuer issuer, WebAuthOptions settings) : IApiCredentials
{
    public void Apply(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!settings.IsSingleUser)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issuer.ForService());
        }
    }

    public void Refused(ApiException refusal)
    {
    }
}
