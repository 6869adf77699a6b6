using MikuCloud.Web;
using MikuCloud.Web.Api;
using MikuCloud.Web.Auth;
using MikuCloud.Web.Components;
using MikuCloud.Web.Localization;

// A refusal while building (settings, Modelfiles) is one line and exit code 1, like one while starting (RunOrExplain).
StartupRefusal.ExplainRefusals(typeof(Program).Assembly);
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSharedDataProtection();
// Accounts (cookie sign-in, OpenID Connect when configured) or the explicit, loopback-only SingleUser mode.
builder.AddMikuAuth();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents(o =>
    {
        // Show the real failure in the browser console during development only.
        o.DetailedErrors = builder.Environment.IsDevelopment();
        // A user who closes the laptop lid mid-answer can come back within this window to the same circuit.
        o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(5);
    })
    // Images never cross SignalR (they go through POST /uploads). Text does: the input is @bind-ed, so a pasted document
    // travels as one message. The 32 KB default would drop the circuit on a long paste; 1 MB covers the API's
    // 100,000-character limit (the textarea's maxlength) even as 3-byte UTF-8 Chinese.
    .AddHubOptions(o => o.MaximumReceiveMessageSize = 1024 * 1024);

// The browser talks to the Web only; the Web reaches the API through service discovery ("api" in the AppHost).
builder.Services.AddMikuApiClient(builder.Configuration);
builder.Services.AddMikuWebServices(builder.Configuration);

var app = builder.Build();

app.UseForwardedHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseMikuSecurityHeaders();
app.UseRequestLocalization(UiCultures.Options());
app.UseMikuAuth();
app.UseAntiforgery();
// Everything requires a signed-in user (the fallback policy) except what says AllowAnonymous: static files are public.
app.MapStaticAssets().AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapMikuWebEndpoints();
app.MapWebAccountEndpoints();
app.MapDefaultEndpoints();

// A refused start ends here with one line and exit code 1, like the API.
return app.RunOrExplain();
