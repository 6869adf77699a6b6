using System.Globalization;

namespace MikuCloud.Web.Components.Account;

/// <summary>Times on the server-rendered account pages: UTC, minute precision, labelled (the server does not know the browser's zone).</summary>
public static class When
{
    public static string Format(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
