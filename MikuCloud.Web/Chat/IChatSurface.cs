using MikuCloud.Web.Components.Chat;

namespace MikuCloud.Web.Chat;

/// <summary>
/// What the chat session asks of the page around it: the few things that live in components (the composer's text,
/// the sidebar's list, the scroll position, the address bar), so the session itself stays plain C#.
/// </summary>
public interface IChatSurface
{
    /// <summary>The API refused a send before taking it: put what the user wrote back into the composer, so nothing is lost.</summary>
    Task HandBackAsync(ChatSubmission submission);

    /// <summary>The session resends its kept submission: take the copy handed back out of the composer again.</summary>
    Task WithdrawAsync(ChatSubmission submission);

    /// <summary>A new chat's first message created <paramref name="conversation"/>: list it, and move to its address when <paramref name="onScreen"/>.</summary>
    Task ConversationStartedAsync(ConversationDto conversation, bool onScreen);

    /// <summary>A message was answered in <paramref name="conversation"/>: move it to the top of the list.</summary>
    void ConversationTouched(ConversationDto conversation);

    /// <summary>An answer started: show its end.</summary>
    Task ScrollToEndAsync();
}
