using System.ComponentModel;
using System.Security.Claims;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.OpenAi;
using MikuCloud.Api.Turns;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace MikuCloud.Api.Mcp;

/// <summary>
/// The MCP server's tools: the vision model put to work for an agent host (VS Code, Claude Desktop, Cursor). Each call
/// is one transcript turn for the caller — their key, limits, admission and telemetry — and nothing is stored.
/// </summary>
/// <remarks>Descriptions are in English and Chinese: hosts show them to people and pass them to their own model.</remarks>
[McpServerToolType]
public sealed class VisionTools(TurnEngine turns)
{
    /// <summary>This door's name in telemetry.</summary>
    public const string Door = "mcp";

    [McpServerTool(Name = "describe_image", ReadOnly = true, Title = "Describe an image / 描述图片")]
    [Description("Describe what an image shows, in detail. 详细描述图片内容。")]
    public Task<string> DescribeImageAsync(ClaimsPrincipal user,
        [Description("The image: base64 (JPEG, PNG, WebP or GIF) or a data URL. 图片：base64 或 data URL。")] string image,
        [Description("Answer language, e.g. en or zh (default: the language of the question, English). 回答语言，如 zh。")] string? language = null,
        CancellationToken cancellationToken = default) =>
        AskAboutAsync(user, image, $"Describe this image in detail.{In(language)}", "vision", cancellationToken);

    [McpServerTool(Name = "read_text", ReadOnly = true, Title = "Read the text in an image (OCR) / 识别图片文字")]
    [Description("Read all text in an image (OCR), keeping lines and reading order. 识别图片中的全部文字（OCR），保留换行与阅读顺序。")]
    public Task<string> ReadTextAsync(ClaimsPrincipal user,
        [Description("The image: base64 or a data URL. 图片：base64 或 data URL。")] string image,
        CancellationToken cancellationToken = default) =>
        AskAboutAsync(user, image, "Read all the text in this image. Answer with the text only, keeping its lines and reading order.", "precise", cancellationToken);

    [McpServerTool(Name = "locate_objects", ReadOnly = true, Title = "Locate objects / 定位物体")]
    [Description("Find objects in an image and return their boxes as JSON: [{\"label\", \"bbox_2d\": [x1, y1, x2, y2]}], coordinates 0–1000 relative to the image. " +
                 "在图片中定位物体，以 JSON 返回边框（坐标为相对图片的 0–1000）。")]
    public Task<string> LocateObjectsAsync(ClaimsPrincipal user,
        [Description("The image: base64 or a data URL. 图片：base64 或 data URL。")] string image,
        [Description("What to find, e.g. \"cats and dogs\". 要找的物体。")] string objects,
        CancellationToken cancellationToken = default) =>
        AskAboutAsync(user, image,
            $"Locate every {objects} in this image. Answer only with JSON: a list of {{\"label\": string, \"bbox_2d\": [x1, y1, x2, y2]}} in 0-1000 coordinates.",
            "precise", cancellationToken, json: true);

    [McpServerTool(Name = "ask", ReadOnly = true, Title = "Ask the model / 提问")]
    [Description("Ask the model a question in text (no image). 向模型提一个文字问题。")]
    public Task<string> AskAsync(ClaimsPrincipal user,
        [Description("The question. 问题。")] string question,
        [Description("A chat model from the server's model list, e.g. miku-text (default: the default model). 聊天模型（默认：默认模型）。")] string? model = null,
        CancellationToken cancellationToken = default) =>
        // Another model answers with its own default preset: "balanced" is tuned for the default model.
        RunAsync(user, new TranscriptMessage(TranscriptMessages.User, question), model is null ? "balanced" : null, false, cancellationToken, model);

    private Task<string> AskAboutAsync(ClaimsPrincipal user, string image, string prompt, string preset, CancellationToken cancellationToken, bool json = false)
    {
        var bytes = Decode(image);
        return RunAsync(user, new TranscriptMessage(TranscriptMessages.User, prompt, [bytes]), preset, json, cancellationToken);
    }

    private async Task<string> RunAsync(ClaimsPrincipal user, TranscriptMessage question, string? preset, bool json, CancellationToken cancellationToken,
        string? model = null)
    {
        try
        {
            var transcript = new Transcript([question], json ? System.Text.Json.Nodes.JsonValue.Create("json") : null);
            var run = await turns.StartAsync(TurnRequest.Answer(CurrentOwner.Of(user), transcript, preset, null, Door).ForModel(model), cancellationToken);
            return await TurnAnswer.TextAsync(run, cancellationToken);
        }
        catch (ApiProblem problem)
        {
            // The host shows the tool's error to its model and user: the same words the other doors answer.
            throw new McpException($"{problem.Code}: {problem.Message}");
        }
    }

    private static byte[] Decode(string image)
    {
        try
        {
            return image.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? ImageDataUrl.Decode(image, "image") : Convert.FromBase64String(image);
        }
        catch (Exception ex) when (ex is FormatException or ApiProblem)
        {
            throw new McpException("invalid_request: image must be base64 or a base64 data URL.");
        }
    }

    private static string In(string? language) => string.IsNullOrWhiteSpace(language) ? "" : $" Answer in {Requests.Echo.Cap(language, 16)}.";
}
