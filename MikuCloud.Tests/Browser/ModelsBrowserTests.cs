using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MikuCloud.Tests.Models;
using MikuCloud.Tests.Security;
using static Microsoft.Playwright.Assertions;

namespace MikuCloud.Tests.Browser;

/// <summary>
/// The admin's Models page in Chromium, on its own stack (accounts mode, a catalog with optional models): turning a
/// model on shows its download live until it is ready, a loaded model shows its VRAM and can be unloaded, and a user
/// who is not an admin gets the Forbidden page.
/// </summary>
[Collection(SecurityCollection.Name)]
public class ModelsBrowserTests(SecurityFixture fixture) : SecurityBrowserTest(fixture)
{
    private const string AdminPassword = "admin-password-1";

    private readonly ModelCatalogFolder folder = new();

    [Fact]
    public async Task An_admin_turns_an_optional_model_on_watches_it_download_until_ready_and_unloads_a_loaded_model()
    {
        var stack = await StackAsync();
        stack.Ollama.PullLineDelay = TimeSpan.FromMilliseconds(600);
        stack.Ollama.Load("miku-vl");
        var page = await SignedInPageAsync("admin", AdminPassword, stack);

        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByTestId("menu-models").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/models$"));
        var text = page.Locator("article[data-model=miku-text]");
        await Expect(text).ToHaveAttributeAsync("data-status", "disabled");
        await text.GetByTestId("model-toggle").ClickAsync();

        await Expect(text.GetByTestId("model-progress")).ToBeVisibleAsync();
        await Expect(text).ToHaveAttributeAsync("data-status", "ready");
        Assert.True(stack.Ollama.HasModel("miku-text"));
        var vl = page.Locator("article[data-model=miku-vl]");
        await Expect(vl.GetByTestId("model-loaded")).ToContainTextAsync("GB");
        await ScreenshotAsync(page, "models-desktop-light");

        await vl.GetByTestId("model-unload").ClickAsync();

        await Expect(vl.GetByTestId("model-loaded")).ToHaveTextAsync("未加载");
        Assert.False(stack.Ollama.IsLoaded("miku-vl"));
        var phone = await NewPageAsync(stack, width: 390, height: 844, colorScheme: ColorScheme.Dark);
        await SignInAsync(phone, "admin", AdminPassword);
        await phone.GotoAsync("admin/models");
        await Expect(phone.Locator("article[data-model=miku-text]")).ToHaveAttributeAsync("data-status", "ready");
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
        await ScreenshotAsync(phone, "models-phone-dark");
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_gets_the_forbidden_page()
    {
        var stack = await StackAsync();
        var admin = await stack.LoginAsync("admin", AdminPassword);
        await stack.CreateUserAsync(admin, "rin", "rin-password-1");
        var page = await SignedInPageAsync("rin", "rin-password-1", stack);

        var response = await page.GotoAsync("admin/models");

        Assert.Equal(403, response!.Status);
        await Expect(page.Locator("[data-testid=forbidden]")).ToBeVisibleAsync();
        await Expect(page.Locator("article[data-model]")).ToHaveCountAsync(0);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        folder.Dispose();
    }

    private async Task<SecurityStack> StackAsync()
    {
        var stack = await Fixture.NewStackAsync(apiSettings: new Dictionary<string, string?> { ["Modelfiles:Path"] = folder.Path, ["HouseModels:Enabled"] = "" });
        await stack.SetupAsync("admin", AdminPassword);
        return stack;
    }
}
