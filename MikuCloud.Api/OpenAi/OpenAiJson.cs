using System.Text.Json;

namespace MikuCloud.Api.OpenAi;

/// <summary>
/// How the door writes OpenAI's objects: their wire names are on the records, and nulls are written (OpenAI's chunks
/// carry <c>"finish_reason": null</c>), whatever the API's own JSON options say.
/// </summary>
internal static class OpenAiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
