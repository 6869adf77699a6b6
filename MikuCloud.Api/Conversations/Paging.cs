using System.Globalization;

namespace MikuCloud.Api.Conversations;

/// <summary>The <c>limit</c> query parameter of the list endpoints.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>Absent or empty = <see cref="DefaultLimit"/>; otherwise a whole number from 1 to <see cref="MaxLimit"/>.</summary>
    public static bool TryParseLimit(string? value, Dictionary<string, string[]> errors, out int limit)
    {
        ArgumentNullException.ThrowIfNull(errors);
        limit = DefaultLimit;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit)
        {
            return true;
        }

        errors["limit"] = [$"limit must be a whole number from 1 to {MaxLimit} (default {DefaultLimit})."];
        return false;
    }
}
