using MikuCloud.Web;
using MikuCloud.Web.Api;
using MikuCloud.Web.Components;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSharedDataProtection();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

// The browser talks to the Web only; the Web reaches the API through service discovery ("api" in the AppHost).
builder.Services.AddHttpClient<MikuApiClient>(c => c.BaseAddress = new Uri(builder.Configuration["Api:BaseAddress"] ?? "https+http://api"));

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapDefaultEndpoints();

app.Run();
