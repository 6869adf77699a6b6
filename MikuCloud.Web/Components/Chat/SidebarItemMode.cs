namespace MikuCloud.Web.Components.Chat;

/// <summary>What a sidebar item shows: its link, the inline rename form, or the inline delete confirmation.</summary>
public enum SidebarItemMode
{
    /// <summary>The link and its rename/delete buttons.</summary>
    Normal,

    /// <summary>The rename form.</summary>
    Renaming,

    /// <summary>"Delete …?" with delete and cancel.</summary>
    ConfirmingDelete,
}
