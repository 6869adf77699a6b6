using System.Text.RegularExpressions;
using System.Xml.Linq;
using MikuCloud.Web.Localization;

namespace MikuCloud.Tests.Web;

/// <summary>
/// The .resx files behind <see cref="UiText"/>, read as files: a key missing from one language, or a key the Web asks
/// for that no file has, would show the raw key (or the other language) to a user, so both are caught here at build
/// time rather than on the page.
/// </summary>
public partial class UiTextResourceTests
{
    private static readonly string WebProject = Path.Combine(RepositoryRoot(), "MikuCloud.Web");
    private static readonly string ResourceFolder = Path.Combine(WebProject, UiText.ResourcesPath, "Localization");

    [Fact]
    public void Every_key_is_in_both_chinese_and_english_with_the_same_placeholders()
    {
        var zh = Read("UiText.resx");
        var en = Read("UiText.en.resx");

        Assert.Empty(zh.Keys.Except(en.Keys).Order());
        Assert.Empty(en.Keys.Except(zh.Keys).Order());
        foreach (var (key, text) in zh)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), key);
            Assert.False(string.IsNullOrWhiteSpace(en[key]), key);
            Assert.Equal(Placeholders(text), Placeholders(en[key]));
        }
    }

    [Fact]
    public void The_compiled_resources_hold_the_same_keys_as_the_files()
    {
        // Guards the resource name (namespace + ResourcesPath): a mismatch would make every lookup return the key.
        Assert.Equal(Read("UiText.resx").Keys.Order(), UiText.Keys.Order());
    }

    [Fact]
    public void Every_key_the_web_uses_exists()
    {
        var keys = Read("UiText.resx").Keys.ToHashSet(StringComparer.Ordinal);
        // Keys look like "area.name[.more]"; a string literal in the Web's code that starts with a known area is a key
        // (T["sidebar.new"], ternaries, tables of labels), and an interpolated one ($"params.{name}") must match some key.
        var areas = keys.Select(k => k[..k.IndexOf('.', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        var missing = new List<string>();
        var used = 0;
        foreach (var file in Directory.EnumerateFiles(WebProject, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            foreach (Match m in KeyLiteral().Matches(File.ReadAllText(file)))
            {
                var text = m.Groups["key"].Value;
                if (!areas.Contains(text[..text.IndexOf('.', StringComparison.Ordinal)]))
                {
                    continue;
                }

                used++;
                var exists = m.Groups["interpolated"].Success
                    ? keys.Any(new Regex("^" + string.Join("[^.]+(?:\\.[^.]+)*", Hole().Split(text).Select(Regex.Escape)) + "$").IsMatch)
                    : keys.Contains(text);
                if (!exists)
                {
                    missing.Add($"{Path.GetFileName(file)}: {text}");
                }
            }
        }

        Assert.True(used > 200, $"only {used} key uses found: the scan no longer sees how the Web names its keys");
        Assert.Empty(missing);
    }

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(ResourceFolder, file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    private static List<string> Placeholders(string text) => [.. PlaceholderPattern().Matches(text).Select(m => m.Value).Order()];

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MikuCloud.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (MikuCloud.slnx) was not found above the test binaries.");
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Hole();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();

    // "area.name" or $"area.{hole}.name": lowerCamel parts separated by dots (so "state.Messages", a Razor parameter
    // expression, is not a key); holes are {...} without quotes. File names ("app.css") are not keys either.
    [GeneratedRegex("""(?<interpolated>\$)?"(?<key>[a-z][a-zA-Z0-9]*(?:\.(?:[a-z0-9][a-zA-Z0-9]*|\{[^"{}]+\}))+)(?<!\.(?:css|js|json|png|svg|ico))"(?!\.)""")]
    private static partial Regex KeyLiteral();
}
