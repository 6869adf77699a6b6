using MikuCloud.Web;
using MikuCloud.Web.Api;
using MikuCloud.Web.Components;
using MikuCloud.Web.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents(o =>
    {
        // Show the real failure in the browser console during development only.
        o.DetailedErrors = builder.Environment.IsDevelopment();
        // A user who closes the laptop lid mid-answer can come back within this window to the same circuit.
        o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(5);
    })
    // Images never cross SignalR (they go through POST /uploads), so the 32 KB default would nearly do; 256 KB leaves
    // room for pasting a long document into the input, which travels as one @bind update.
    .AddHubOptions(o => o.MaximumReceiveMessageSize = 256 * 1024);

// The browser talks to the Web only; the Web reaches the API through service discovery ("api" in the AppHost).
builder.Services.AddMikuApiClient(builder.Configuration);
builder.Services.AddMikuWebServices(builder.Configuration);

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseMikuSecurityHeaders();
app.UseRequestLocalization(UiCultures.Options());
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapMikuWebEndpoints();
app.MapDefaultEndpoints();

app.Run();
