using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MikuCloud.Web.Auth;
using MikuCloud.Web.Rendering;

namespace MikuCloud.Tests.Security;

/// <summary>The Web's auth pieces on their own: configuration checks, API tokens, redirects, cookies, the test-only switch.</summary>
public class WebAuthUnitTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static WebAuthOptions Settings(params (string Key, string? Value)[] values) =>
        WebAuthOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build());

    [Theory]
    [InlineData(null, "Auth:ApiTokenKey is missing")]
    [InlineData("", "Auth:ApiTokenKey is missing")]
    [InlineData("not base64!", "not valid base64")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "29 bytes")] // 29 bytes
    public void Accounts_mode_needs_a_strong_token_key(string? key, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings(("Auth:ApiTokenKey", key)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        if (key is { Length: > 0 })
        {
            Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal); // a secret is never echoed
        }
    }

    [Fact]
    public void Single_user_mode_needs_no_key_and_an_unknown_mode_is_refused()
    {
        Assert.True(Settings(("Auth:Mode", "SingleUser")).IsSingleUser);
        Assert.False(Settings(("Auth:ApiTokenKey", Key)).IsSingleUser); // Accounts is the default
        Assert.Contains("Auth:Mode", Assert.Throws<InvalidOperationException>(() => Settings(("Auth:Mode", "Anonymous"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oidc_is_read_when_an_authority_is_set_and_plain_http_is_loopback_only()
    {
        var oidc = Settings(("Auth:ApiTokenKey", Key), ("Auth:Oidc:Authority", "https://id.example.com/realms/miku"), ("Auth:Oidc:ClientId", "web"),
            ("Auth:Oidc:Scopes", "openid profile,email groups")).Oidc!;
        Assert.Equal(["profile", "email", "groups"], oidc.Scopes);
        Assert.Equal("OpenID Connect", oidc.DisplayName);
        Assert.True(oidc.RequireHttpsMetadata);
        Assert.False(Settings(("Auth:ApiTokenKey", Key), ("Auth:Oidc:Authority", "http://127.0.0.1:5000"), ("Auth:Oidc:ClientId", "web")).Oidc!.RequireHttpsMetadata);
        Assert.Throws<InvalidOperationException>(() => Settings(("Auth:ApiTokenKey", Key), ("Auth:Oidc:Authority", "http://id.example.com"), ("Auth:Oidc:ClientId", "web")));
        Assert.Throws<InvalidOperationException>(() => Settings(("Auth:ApiTokenKey", Key), ("Auth:Oidc:Authority", "https://id.example.com")));
        Assert.Null(Settings(("Auth:ApiTokenKey", Key)).Oidc);
    }

    [Fact]
    public async Task User_tokens_are_short_lived_HS256_for_the_api_and_reused_for_a_minute()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var issuer = new ApiTokenIssuer(Settings(("Auth:ApiTokenKey", Key)), time);

        var token = issuer.ForUser("u-42", "stamp-1", "miku");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "mikucloud-web",
            ValidAudience = "mikucloud-api",
            IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(Key)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("u-42", jwt.Subject);
        Assert.Equal("stamp-1", jwt.GetClaim("stamp").Value);
        Assert.Equal("miku", jwt.GetClaim("name").Value);
        Assert.False(jwt.TryGetClaim("svc", out _));
        Assert.True(jwt.ValidTo - jwt.IssuedAt <= TimeSpan.FromMinutes(5));

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Same(token, issuer.ForUser("u-42", "stamp-1", "miku"));
        Assert.NotEqual(token, issuer.ForUser("u-42", "stamp-2", "miku")); // a new stamp is a new session
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotEqual(token, issuer.ForUser("u-42", "stamp-1", "miku"));

        var service = new JsonWebToken(issuer.ForService());
        Assert.Equal("mikucloud-web", service.Subject);
        Assert.Equal("web", service.GetClaim("svc").Value);
        Assert.False(service.TryGetClaim("stamp", out _));
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/c/123?x=1", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/ok\r\nSet-Cookie: x=1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Return_urls_must_be_local_paths(string? url, bool local)
    {
        Assert.Equal(local, LocalUrl.IsLocal(url));
        Assert.Equal(local ? url : "/", LocalUrl.OrRoot(url));
    }

    [Theory]
    [InlineData("http://localhost:5390", true)]
    [InlineData("http://127.0.0.1:0", true)]
    [InlineData("http://127.1.2.3:80", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:80", false)]
    [InlineData("https://mikucloud.example.com", false)]
    [InlineData("http://192.168.1.20:5000", false)]
    public void Single_user_mode_knows_loopback_addresses(string address, bool loopback) =>
        Assert.Equal(loopback, Microsoft.Extensions.Hosting.Loopback.IsLoopbackAddress(address));

    [Fact]
    public void Accounts_mode_without_a_token_key_stops_the_web_at_startup()
    {
        using var web = new ConfiguredWeb(("Auth:Mode", "Accounts"));
        var error = Assert.ThrowsAny<Exception>(() => web.CreateClient());
        Assert.Contains("Auth:ApiTokenKey is missing", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Single_user_mode_refuses_to_listen_beyond_loopback()
    {
        using var web = new ConfiguredWeb(("Auth:Mode", "SingleUser"));
        web.UseKestrel(o => o.Listen(IPAddress.Any, 0));
        var error = Assert.ThrowsAny<Exception>(web.StartServer);
        Assert.Contains("Auth:Mode=SingleUser", Flatten(error), StringComparison.Ordinal);

        using var loopback = new ConfiguredWeb(("Auth:Mode", "SingleUser"));
        loopback.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        loopback.StartServer(); // fine
    }

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Testing", true)]
    [InlineData("Production", false)]
    [InlineData("Staging", false)]
    public void The_unsafe_markdown_switch_only_works_in_development_and_testing(string environment, bool honoured)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create<string, string?>(MarkdownRenderer.UnsafeSwitch, "true")]).Build();
        var renderer = MarkdownRenderer.Create(configuration, new Environment(environment), NullLogger<MarkdownRenderer>.Instance);

        Assert.Equal(honoured, renderer.IsUnsafe);
        var html = renderer.ToSafeHtml("<img src=x onerror=alert(1)>");
        Assert.Equal(honoured, html.Contains("<img", StringComparison.Ordinal)); // safe: shown as text, not an element
    }

    [Fact]
    public void Over_https_the_sign_in_cookie_gets_the_Host_prefix_and_its_rules()
    {
        var manager = new HostPrefixCookieManager();
        var https = new DefaultHttpContext();
        https.Request.Scheme = "https";
        manager.AppendResponseCookie(https, "miku.auth", "v", new CookieOptions { Domain = "example.com", Path = "/app", HttpOnly = true });
        var header = https.Response.Headers.SetCookie.ToString().ToLowerInvariant();
        Assert.StartsWith("__host-miku.auth=v", header, StringComparison.Ordinal);
        Assert.Contains("secure", header, StringComparison.Ordinal);
        Assert.Contains("path=/;", header + ";", StringComparison.Ordinal);
        Assert.DoesNotContain("domain", header, StringComparison.Ordinal);

        var http = new DefaultHttpContext();
        manager.AppendResponseCookie(http, "miku.auth", "v", new CookieOptions());
        Assert.StartsWith("miku.auth=v", http.Response.Headers.SetCookie.ToString(), StringComparison.Ordinal);
    }

    private static string Flatten(Exception error) => error is AggregateException a ? string.Join(" | ", a.Flatten().InnerExceptions.Select(Flatten)) : error.ToString();

    private sealed class ConfiguredWeb(params (string Key, string Value)[] settings) : WebApplicationFactory<MikuCloud.Web.WebMarker>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Api:BaseAddress", "http://127.0.0.1:9");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "MikuCloud.Web";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
