using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.Tests.Api;
using MikuCloud.Tests.Images;
using MikuCloud.Web.Uploads;

namespace MikuCloud.Tests.Security;

/// <summary>The Web over plain HTTP in Accounts mode: who may call what, cookies behind a TLS proxy, redirects, uploads.</summary>
[Collection(SecurityCollection.Name)]
public class WebAccessTests(SecurityFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SecurityStack Stack => fixture.Stack;

    [Theory]
    [InlineData("GET", "/images/5f0c3b0e-6d3a-4c53-9d3e-111111111111")]
    [InlineData("GET", "/export/5f0c3b0e-6d3a-4c53-9d3e-111111111111?format=md")]
    [InlineData("POST", "/uploads")]
    [InlineData("DELETE", "/uploads/5f0c3b0e-6d3a-4c53-9d3e-111111111111")]
    [InlineData("POST", "/_blazor/negotiate?negotiateVersion=1")]
    public async Task Anonymous_calls_to_data_endpoints_are_refused_with_401(string method, string path)
    {
        using var client = Stack.AnonymousWebClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("X-Miku-Upload", "1");
        if (method == "POST")
        {
            request.Content = new ByteArrayContent(TestImages.Jpeg(TestImages.Solid(8, 8, TestImages.Red)));
        }

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/stats")]
    [InlineData("/account")]
    [InlineData("/admin/users")]
    [InlineData("/c/5f0c3b0e-6d3a-4c53-9d3e-111111111111")]
    public async Task Anonymous_page_visits_go_to_the_sign_in_page(string path)
    {
        using var client = Stack.AnonymousWebClient();
        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?returnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/app.css")]
    [InlineData("/js/theme.js")]
    public async Task Sign_in_page_probes_and_static_files_are_public(string path)
    {
        using var client = Stack.AnonymousWebClient();
        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Sign_out_needs_the_antiforgery_token()
    {
        using var session = new WebSession(Stack.WebAddress);
        using var signIn = await session.SignInAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        // A cross-site form could post here with the user's cookies, but not with a token.
        using var forged = await session.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/logout") { Content = new FormUrlEncodedContent([]) });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var stillIn = await session.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/phish")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task Sign_in_never_redirects_off_site(string returnUrl)
    {
        using var session = new WebSession(Stack.WebAddress);
        using var response = await session.SignInAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword, "/login?returnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var target = new Uri(Stack.WebAddress, response.Headers.Location!);
        Assert.Equal(Stack.WebAddress.Authority, target.Authority);
        Assert.Equal("/", target.PathAndQuery);
    }

    [Fact]
    public async Task Behind_a_TLS_terminating_proxy_the_cookies_are_Secure_and_the_sign_in_cookie_is_Host_prefixed()
    {
        using var session = new WebSession(Stack.WebAddress, behindHttpsProxy: true);
        using var response = await session.SignInAsync(SecurityFixture.AdminName, SecurityFixture.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var auth = Assert.Single(session.SetCookies, c => c.StartsWith("__Host-miku.auth=", StringComparison.Ordinal));
        var attributes = auth.ToLowerInvariant();
        Assert.Contains("; secure", attributes, StringComparison.Ordinal);
        Assert.Contains("; httponly", attributes, StringComparison.Ordinal);
        Assert.Contains("; samesite=lax", attributes, StringComparison.Ordinal);
        Assert.Contains("; path=/", attributes, StringComparison.Ordinal);
        Assert.DoesNotContain("domain=", attributes, StringComparison.Ordinal);
        Assert.All(session.SetCookies.Where(c => c.StartsWith("miku.af", StringComparison.Ordinal)),
            c => Assert.Contains("; secure", c.ToLowerInvariant(), StringComparison.Ordinal));
        using var account = await session.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);

        // Without the proxy's header the same request is plain HTTP: no __Host- cookie is read.
        using var plain = new WebSession(Stack.WebAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account");
        request.Headers.Add("Cookie", $"__Host-miku.auth={session.Cookies["__Host-miku.auth"]}");
        using var refused = await plain.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
    }

    [Fact]
    public async Task An_upload_belongs_to_its_uploader_and_pictures_and_exports_to_their_owner()
    {
        var alice = Unique("alice");
        var bob = Unique("bob");
        await Stack.CreateUserAsync(fixture.Admin, alice, "alice-password-1");
        await Stack.CreateUserAsync(fixture.Admin, bob, "bob-password-1");
        using var aliceWeb = new WebSession(Stack.WebAddress);
        using var bobWeb = new WebSession(Stack.WebAddress);
        (await aliceWeb.SignInAsync(alice, "alice-password-1")).Dispose();
        (await bobWeb.SignInAsync(bob, "bob-password-1")).Dispose();

        // Alice uploads; Bob cannot delete (or use) her upload: for him the id does not exist.
        var jpeg = TestImages.Jpeg(TestImages.Solid(64, 64, TestImages.Blue));
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/uploads") { Content = new ByteArrayContent(jpeg) };
        upload.Headers.Add("X-Miku-Upload", "1");
        using var uploaded = await aliceWeb.SendAsync(upload);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var uploadId = Guid.Parse((await uploaded.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<string>());
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/uploads/{uploadId}");
        delete.Headers.Add("X-Miku-Upload", "1");
        (await bobWeb.SendAsync(delete)).Dispose();
        var store = Stack.Web.Services.GetRequiredService<UploadStore>();
        var aliceUser = await Stack.LoginAsync(alice, "alice-password-1");
        var bobUser = await Stack.LoginAsync(bob, "bob-password-1");
        Assert.NotNull(store.Find(uploadId, aliceUser.User.Id));
        Assert.Null(store.Find(uploadId, bobUser.User.Id));

        // Alice's stored picture and export come through the Web for her, and are "not found" for Bob.
        var conversation = await Stack.CreateConversationAsync(aliceUser, "alice's picture");
        Guid imageId;
        using (var api = Stack.ApiClient(Stack.UserToken(aliceUser)))
        using (var send = await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversation}/messages")
        {
            Content = ChatTestExtensions.Multipart("what is this?", ("blue.jpg", jpeg)),
        }, HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, send.StatusCode);
            var events = await Sse.AllAsync(send, Ct);
            var user = events.First(e => e.Name == "user").Data!;
            imageId = Guid.Parse(user["images"]![0]!["id"]!.GetValue<string>());
        }

        // Fresh sessions: signing in through the API above gave new stamps but kept the old sessions valid.
        using var aliceImage = await aliceWeb.GetAsync($"/images/{imageId}");
        Assert.Equal(HttpStatusCode.OK, aliceImage.StatusCode);
        Assert.Equal("image/jpeg", aliceImage.Content.Headers.ContentType!.MediaType);
        using var bobImage = await bobWeb.GetAsync($"/images/{imageId}");
        Assert.Equal(HttpStatusCode.NotFound, bobImage.StatusCode);
        using var aliceExport = await aliceWeb.GetAsync($"/export/{conversation}?format=md");
        Assert.Equal(HttpStatusCode.OK, aliceExport.StatusCode);
        using var bobExport = await bobWeb.GetAsync($"/export/{conversation}?format=md");
        Assert.Equal(HttpStatusCode.NotFound, bobExport.StatusCode);
    }

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];
}
