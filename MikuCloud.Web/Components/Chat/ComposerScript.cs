using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MikuCloud.Web.Uploads;

namespace MikuCloud.Web.Components.Chat;

/// <summary>
/// The composer's browser side (miku.js): Enter to send, drafts in localStorage, the growing text box, the file
/// picker and image uploads. A closed circuit is not an error here: the user left, nothing is left to update.
/// </summary>
public sealed class ComposerScript(IJSRuntime js)
{
    /// <summary>miku.js is attached; before that there is no draft to save and no box to grow.</summary>
    public bool Ready { get; private set; }

    /// <summary>
    /// Attaches keyboard, draft and image handling. attachInput fills the box itself (text typed before the page was
    /// interactive, else the draft) and reports it as typing: filling it from .NET raced with that typing.
    /// </summary>
    public async Task AttachAsync(ElementReference textarea, ElementReference form, ElementReference fileInput, string draftKey,
        object component, ImageLimits limits)
    {
        try
        {
            await js.InvokeVoidAsync("miku.attachInput", textarea, form, draftKey);
            await js.InvokeVoidAsync("miku.attachImageInput", component, fileInput, textarea, new
            {
                maxBytes = limits.MaxBytes,
                downscaleAbovePixels = limits.DownscaleAbovePixels,
                downscaleAboveBytes = limits.DownscaleAboveBytes,
            });
            Ready = true;
        }
        catch (JSDisconnectedException)
        {
        }
    }

    /// <summary>Drafts are saved under <paramref name="key"/> from now on.</summary>
    public Task SetDraftKeyAsync(ElementReference textarea, string key) => Ready ? CallAsync("miku.setDraftKey", textarea, key) : Task.CompletedTask;

    /// <summary>The draft saved under <paramref name="key"/>, if any.</summary>
    public async Task<string?> LoadDraftAsync(string key)
    {
        try
        {
            return await js.InvokeAsync<string>("miku.loadDraft", key);
        }
        catch (JSDisconnectedException)
        {
            return null;
        }
    }

    /// <summary>Saves the draft (sending clears it; a handed-back message is saved again).</summary>
    public Task SaveDraftAsync(string key, string value) => Ready ? CallAsync("miku.saveDraft", key, value) : Task.CompletedTask;

    /// <summary>Fits the box to its text, after the render that changed it.</summary>
    public async Task GrowAsync(ElementReference textarea)
    {
        if (Ready)
        {
            await Task.Yield();
            await CallAsync("miku.growInput", textarea);
        }
    }

    /// <summary>Moves the caret into the box.</summary>
    public Task FocusAsync(ElementReference textarea) => CallAsync("miku.focus", textarea);

    /// <summary>Opens the browser's file picker.</summary>
    public Task OpenPickerAsync(ElementReference fileInput) => CallAsync("miku.openFilePicker", fileInput);

    /// <summary>Stops image handling (drop and paste listeners live on the page).</summary>
    public Task DetachAsync() => Ready ? CallAsync("miku.detachImageInput") : Task.CompletedTask;

    private async Task CallAsync(string identifier, params object?[] args)
    {
        try
        {
            await js.InvokeVoidAsync(identifier, args);
        }
        catch (JSDisconnectedException)
        {
        }
    }
}
