using Microsoft.AspNetCore.Authentication.Cookies;

namespace MikuCloud.Web.Auth;

/// <summary>
/// Names the sign-in cookie <c>__Host-…</c> on HTTPS requests (the browser then only accepts it as Secure, for this
/// exact host and path <c>/</c>, so a sibling subdomain cannot plant or overwrite it) and plainly on HTTP (loopback
/// development and tests), where a <c>__Host-</c> cookie would be refused. Behind a TLS-terminating ingress the
/// forwarded-headers middleware has already made the request HTTPS.
/// </summary>
public sealed class HostPrefixCookieManager : ICookieManager
{
    private const string Prefix = "__Host-";

    private readonly ChunkingCookieManager inner = new();

    public string? GetRequestCookie(HttpContext context, string key) => inner.GetRequestCookie(context, Name(context, key));

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (context.Request.IsHttps)
        {
            options.Secure = true;
            options.Domain = null;
            options.Path = "/";
        }

        inner.AppendResponseCookie(context, Name(context, key), value, options);
    }

    public void DeleteCookie(HttpContext context, string key, CookieOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (context.Request.IsHttps)
        {
            options.Secure = true;
            options.Domain = null;
            options.Path = "/";
        }

        inner.DeleteCookie(context, Name(context, key), options);
    }

    private static string Name(HttpContext context, string key) => context.Request.IsHttps ? Prefix + key : key;
}
