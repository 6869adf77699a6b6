namespace MikuCloud.Api.OpenAi;

/// <summary>OpenAI's rule for function names: 1–64 ASCII letters, digits, underscores and dashes.</summary>
internal static class ToolNames
{
    public const int MaxLength = 64;

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
