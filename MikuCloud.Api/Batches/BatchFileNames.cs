using System.IO.Compression;
using System.Text;

namespace MikuCloud.Api.Batches;

/// <summary>
/// The names batch items are shown and exported under: an uploaded file's name made printable, and a zip entry's
/// path checked and joined to its archive's name (<c>archive.zip/inner/path.jpg</c>). Names are never used as paths
/// on this server; the checks keep what users and their tools see honest, and refuse what unzip tools would write
/// outside the target folder.
/// </summary>
public static class BatchFileNames
{
    /// <summary>Longest name kept, in characters; longer ones are cut (the end, with the extension, is kept).</summary>
    public const int MaxLength = 255;

    // Folders and files that operating systems leave in archives: not the user's pictures.
    private static readonly HashSet<string> Litter = new(StringComparer.OrdinalIgnoreCase) { "__MACOSX", "Thumbs.db", "desktop.ini" };

    /// <summary>An uploaded file's name: backslashes as slashes, no control characters, no leading slash, at most
    /// <see cref="MaxLength"/> characters; <c>file-{ordinal}</c> when there is none.</summary>
    public static string ForUpload(string? fileName, int ordinal)
    {
        var cleaned = Printable(fileName ?? "").Replace('\\', '/').Trim().TrimStart('/');
        return cleaned.Length == 0 ? $"file-{ordinal}" : Shorten(cleaned);
    }

    /// <summary>True for a directory entry (its name ends with a slash); it holds no picture.</summary>
    public static bool IsDirectory(ZipArchiveEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\');
    }

    /// <summary>True for a safe entry path (<see cref="SafeEntryPath"/>) that is hidden (a segment starts with a dot)
    /// or operating-system litter (<c>__MACOSX</c>, <c>Thumbs.db</c>, <c>desktop.ini</c>): skipped, not refused.</summary>
    public static bool IsHiddenOrLitter(string entryPath) =>
        entryPath.Split('/').Any(s => s.StartsWith('.') || Litter.Contains(s));

    /// <summary>
    /// The entry's path relative to its archive, or null with <paramref name="reason"/> when it is unsafe: a symbolic
    /// link, an absolute path, a drive letter, a <c>..</c> segment (backslashes count as separators, as Windows tools
    /// read them), or control characters.
    /// </summary>
    public static string? SafeEntryPath(ZipArchiveEntry entry, out string reason)
    {
        ArgumentNullException.ThrowIfNull(entry);
        reason = "";
        var raw = entry.FullName;

        // The high 16 bits are the Unix mode when a Unix tool made the zip; S_IFLNK entries are links, whose target
        // (the content) an unzip tool would follow.
        if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
        {
            reason = "it is a symbolic link";
            return null;
        }

        if (raw.Any(char.IsControl))
        {
            reason = "its name contains control characters";
            return null;
        }

        var path = raw.Replace('\\', '/');
        if (path.StartsWith('/') || path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':')
        {
            reason = "its path is absolute";
            return null;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Any(s => s.Trim() == ".."))
        {
            reason = "its path leads out of the archive";
            return null;
        }

        return string.Join('/', segments);
    }

    /// <summary>The item name of an entry: <c>{archive}/{path}</c>, shortened like an upload's name.</summary>
    public static string ForEntry(string archiveName, string entryPath) => Shorten($"{archiveName}/{entryPath}");

    private static string Printable(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            if (!Rune.IsControl(rune) && rune != Rune.ReplacementChar)
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    private static string Shorten(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var tail = name[^(MaxLength - 1)..];
        return "…" + (char.IsLowSurrogate(tail[0]) ? tail[1..] : tail);
    }
}
