using System.Net.Http.Headers;

namespace MikuCloud.Cli.Chat;

/// <summary>The multipart form of a chat message: <c>content</c>, <c>presetId</c> and each image as an <c>images</c> file.</summary>
public static class ChatMessageForm
{
    public static MultipartFormDataContent Create(ChatSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var form = new MultipartFormDataContent { { new StringContent(settings.Question), "content" } };
        if (settings.Preset is { } preset)
        {
            form.Add(new StringContent(preset), "presetId");
        }

        foreach (var path in settings.Images)
        {
            var file = new StreamContent(File.OpenRead(path));
            file.Headers.ContentType = new MediaTypeHeaderValue(ImageFiles.MediaType(path));
            form.Add(file, "images", Path.GetFileName(path));
        }

        return form;
    }
}
