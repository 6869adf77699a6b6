namespace MikuCloud.Web.Components.Chat;

/// <summary>A suggested prompt the user picked; image prompts ask for a picture before they are sent.</summary>
public sealed record SuggestedPrompt(string Text, bool NeedsImage);
