using System.Text;
using TextMateSharp.Grammars;
using TextMateSharp.Registry;

namespace MikuCloud.Web.Rendering;

/// <summary>
/// Server-side syntax highlighting with TextMateSharp and VS Code's own TextMate grammars (C#, JS/TS, Python, JSON,
/// shell, SQL, HTML/XML, C/C++, Java, Go, Rust, YAML and more). Why server-side: no JavaScript bundle to vendor and
/// keep current, highlighting works in component tests and with scripts disabled. Why not raw theme colours: a
/// token's scopes are mapped to a few <c>tok-…</c> classes that the stylesheet colours for light and dark themes.
/// The output is built from escaped text plus our own <c>&lt;span class="tok-…"&gt;</c> only, so it cannot
/// introduce markup whatever the grammar does.
/// </summary>
public static class CodeHighlighter
{
    /// <summary>Longest code block highlighted (longer ones are escaped only): it is highlighted on every render of a streaming answer.</summary>
    public const int MaxHighlightedLength = 64 * 1024;

    /// <summary>
    /// Longest line tokenised, and the time one line may take, so a pathological line cannot stall a render. Generous
    /// because a grammar's first line also compiles its regular expressions (hundreds of milliseconds for TypeScript
    /// or C++ on a busy machine); a line that runs out of time is shown as text.
    /// </summary>
    private const int MaxLineLength = 4_000;

    private static readonly TimeSpan LineTimeLimit = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["c#"] = "csharp", ["cs"] = "csharp", ["js"] = "javascript", ["jsx"] = "javascript", ["mjs"] = "javascript",
        ["ts"] = "typescript", ["tsx"] = "typescript", ["py"] = "python", ["python3"] = "python", ["sh"] = "bash",
        ["shell"] = "bash", ["zsh"] = "bash", ["console"] = "bash", ["ps1"] = "powershell", ["pwsh"] = "powershell",
        ["c++"] = "cpp", ["cc"] = "cpp", ["h"] = "c", ["hpp"] = "cpp", ["golang"] = "go", ["rs"] = "rust", ["kt"] = "kotlin",
        ["yml"] = "yaml", ["htm"] = "html", ["xaml"] = "xml", ["svg"] = "xml", ["razor"] = "xml", ["jsonc"] = "json",
        ["postgres"] = "sql", ["postgresql"] = "sql", ["mysql"] = "sql", ["sqlite"] = "sql", ["dockerfile"] = "docker",
        ["md"] = "markdown", ["rb"] = "ruby", ["text"] = "", ["plaintext"] = "", ["txt"] = "",
    };

    /// <summary>Our language names to the grammars' language ids, where they differ.</summary>
    private static readonly Dictionary<string, string> GrammarIds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bash"] = "shellscript", ["docker"] = "dockerfile",
    };

    /// <summary>
    /// The grammar registry, made on first use (about a second: it reads the grammar index; each grammar then loads on
    /// its first block). TextMateSharp's registry and grammars are not documented as thread-safe and Blazor renders
    /// circuits in parallel, so every use holds <see cref="Gate"/>; a block takes well under a millisecond a line.
    /// </summary>
    private static readonly Lazy<(RegistryOptions Options, Registry Registry)> Grammars = new(() =>
    {
        var options = new RegistryOptions(ThemeName.LightPlus);
        return (options, new Registry(options));
    });

    private static readonly Dictionary<string, IGrammar> Loaded = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Lock Gate = new();

    /// <summary>Lower-cased canonical language name from a fence info string (<c>```Python title</c> → <c>python</c>).</summary>
    public static string NormalizeLanguage(string? info)
    {
        var first = (info ?? "").Trim().Split([' ', '\t', '{', ','], 2)[0].Trim().ToLowerInvariant();
        if (first.Length > 32 || first.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '#' or '+' or '-' or '_' or '.')))
        {
            return "";
        }

        return Aliases.TryGetValue(first, out var canonical) ? canonical : first;
    }

    /// <summary>Escaped HTML for <paramref name="code"/>, with token spans when the language is known.</summary>
    public static string Highlight(string code, string language)
    {
        ArgumentNullException.ThrowIfNull(code);
        language = Aliases.TryGetValue(language ?? "", out var canonical) ? canonical : language ?? "";
        if (language.Length == 0 || code.Length > MaxHighlightedLength)
        {
            return Encode(code);
        }

        lock (Gate)
        {
            var fresh = !Loaded.ContainsKey(language);
            return GrammarFor(language) is { } grammar ? Tokenize(code, grammar, fresh) : Encode(code);
        }
    }

    private static IGrammar? GrammarFor(string language)
    {
        if (!Loaded.TryGetValue(language, out IGrammar? grammar))
        {
            var (options, registry) = Grammars.Value;
            var scope = options.GetScopeByLanguageId(GrammarIds.TryGetValue(language, out var id) ? id : language);
            grammar = scope is null ? null : registry.LoadGrammar(scope);
            if (grammar is not null)
            {
                Loaded[language] = grammar; // only known grammars: names in a model's answer must not grow this forever
            }
        }

        return grammar;
    }

    /// <summary>Escaped HTML with token spans, line by line, each line within <see cref="LineTimeLimit"/>.</summary>
    /// <param name="code">The block.</param>
    /// <param name="grammar">Its language's grammar.</param>
    /// <param name="fresh">
    /// The grammar's first block in this process: its regular expressions compile as lines meet them, which can take
    /// longer than <see cref="LineTimeLimit"/> on a busy machine (seen on CI at load 24 on 2 cores: the first C# line came
    /// back half plain). A line of a fresh grammar that runs out of time is tokenised once more, its rules compiled by then.
    /// </param>
    private static string Tokenize(string code, IGrammar grammar, bool fresh)
    {
        var html = new Html(code.Length * 2);
        IStateStack? state = null;
        var lines = code.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            if (n > 0)
            {
                html.Text("\n", null);
            }

            var line = lines[n];
            if (line.Length > MaxLineLength)
            {
                html.Text(line, null);
                continue;
            }

            var result = grammar.TokenizeLine(line, state, LineTimeLimit);
            // Tokens that stop short of the line's end: the tokenizer ran out of time.
            if (fresh && line.Length > 0 && result.Tokens.Select(t => t.EndIndex).DefaultIfEmpty(0).Max() < line.Length)
            {
                result = grammar.TokenizeLine(line, state, LineTimeLimit);
            }

            state = result.RuleStack;
            var end = 0;
            foreach (var token in result.Tokens)
            {
                var start = Math.Min(token.StartIndex, line.Length);
                var stop = Math.Min(token.EndIndex, line.Length);
                if (stop > start)
                {
                    html.Text(line[start..stop], ClassOf(token.Scopes));
                    end = stop;
                }
            }

            if (end < line.Length)
            {
                html.Text(line[end..], null); // the tokenizer stopped early: the rest of the line as text
            }
        }

        return html.ToString();
    }

    /// <summary>
    /// The class of a token from its TextMate scopes, innermost first: the first scope that says something decides
    /// (a string's quote marks are <c>punctuation.definition.string</c> inside <c>string</c>, so they are string).
    /// </summary>
    private static string? ClassOf(IList<string> scopes)
    {
        for (var i = scopes.Count - 1; i >= 0; i--)
        {
            var scope = scopes[i];
            if (scope.StartsWith("punctuation.definition.tag", StringComparison.Ordinal) || scope.StartsWith("entity.name.tag", StringComparison.Ordinal))
            {
                return "tok-kw"; // <img as one keyword-coloured tag
            }

            var kind = scope.StartsWith("comment", StringComparison.Ordinal) ? "tok-com"
                : scope.StartsWith("string", StringComparison.Ordinal) ? "tok-str"
                : scope.StartsWith("constant.numeric", StringComparison.Ordinal) ? "tok-num"
                : scope.StartsWith("constant.language", StringComparison.Ordinal) ? "tok-lit"
                : scope.StartsWith("keyword.operator", StringComparison.Ordinal) ? null
                : scope.StartsWith("keyword", StringComparison.Ordinal) || scope.StartsWith("storage", StringComparison.Ordinal)
                  || scope.StartsWith("variable.language", StringComparison.Ordinal) ? "tok-kw"
                : scope.StartsWith("entity.other.attribute-name", StringComparison.Ordinal) ? "tok-attr"
                : scope.StartsWith("entity.name.function", StringComparison.Ordinal) || scope.StartsWith("support.function", StringComparison.Ordinal) ? "tok-fn"
                : null;
            if (kind is not null)
            {
                return kind;
            }
        }

        return null;
    }

    private static string Encode(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Escaped text in spans, neighbours of the same class merged into one span (<c>"&lt;tag&gt;"</c> is one string).</summary>
    private sealed class Html(int capacity)
    {
        private readonly StringBuilder output = new(capacity);
        private readonly StringBuilder pending = new();
        private string? pendingClass;

        public void Text(string text, string? cssClass)
        {
            if (cssClass != pendingClass)
            {
                Flush();
                pendingClass = cssClass;
            }

            pending.Append(text);
        }

        public override string ToString()
        {
            Flush();
            return output.ToString();
        }

        private void Flush()
        {
            if (pending.Length == 0)
            {
                return;
            }

            var text = Encode(pending.ToString());
            output.Append(pendingClass is null ? text : $"<span class=\"{pendingClass}\">{text}</span>");
            pending.Clear();
        }
    }
}
