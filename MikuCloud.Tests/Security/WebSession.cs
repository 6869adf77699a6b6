using System.Net;
using System.Text.RegularExpressions;

namespace MikuCloud.Tests.Security;

/// <summary>
/// A scripted browser for plain-HTTP checks: keeps cookies itself (so it can send what a TLS-terminating proxy would,
/// including Secure cookies), does not follow redirects, and fills in the server-rendered forms with their
/// antiforgery token.
/// </summary>
public sealed partial class WebSession(Uri webAddress, bool behindHttpsProxy = false) : IDisposable
{
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = webAddress };
    private readonly Dictionary<string, string> cookies = new(StringComparer.Ordinal);

    /// <summary>Every <c>Set-Cookie</c> header received, as sent.</summary>
    public List<string> SetCookies { get; } = [];

    public IReadOnlyDictionary<string, string> Cookies => cookies;

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (behindHttpsProxy)
        {
            // What ingress-nginx adds after terminating TLS; the Web trusts it from loopback by default.
            request.Headers.Add("X-Forwarded-Proto", "https");
        }

        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var value in values)
            {
                SetCookies.Add(value);
                var pair = value.Split(';', 2)[0].Split('=', 2);
                if (value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    cookies.Remove(pair[0]);
                }
                else
                {
                    cookies[pair[0]] = pair[1];
                }
            }
        }

        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>GETs <paramref name="page"/>, then posts its form <paramref name="formName"/> with <paramref name="fields"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string page, string formName, IReadOnlyDictionary<string, string> fields)
    {
        using var get = await GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var html = await get.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var token = AntiforgeryField().Match(html);
        Assert.True(token.Success, "no antiforgery token on " + page);
        var form = new Dictionary<string, string>(fields)
        {
            ["_handler"] = formName,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        };
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, page) { Content = new FormUrlEncodedContent(form) });
    }

    public Task<HttpResponseMessage> SignInAsync(string userName, string password, string page = "/login") =>
        SubmitAsync(page, "login", new Dictionary<string, string> { ["Input.UserName"] = userName, ["Input.Password"] = password });

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
