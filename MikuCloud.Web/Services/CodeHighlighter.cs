using System.Text;

namespace MikuCloud.Web.Services;

/// <summary>
/// A small server-side syntax highlighter: comments, strings, numbers, keywords, literals and function names for the
/// languages people ask a chat model about. Why not highlight.js: no JavaScript bundle to vendor and keep current,
/// highlighting works in component tests and with scripts disabled, and the output is built from escaped text plus
/// our own <c>&lt;span class="tok-…"&gt;</c> only, so it cannot introduce markup.
/// </summary>
public static class CodeHighlighter
{
    private sealed record Language(
        HashSet<string> Keywords,
        HashSet<string> Literals,
        string[] LineComments,
        (string Open, string Close)[] BlockComments,
        char[] Quotes,
        bool CaseInsensitive = false,
        bool Markup = false);

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["c#"] = "csharp", ["cs"] = "csharp", ["js"] = "javascript", ["jsx"] = "javascript", ["mjs"] = "javascript",
        ["ts"] = "typescript", ["tsx"] = "typescript", ["py"] = "python", ["python3"] = "python", ["sh"] = "bash",
        ["shell"] = "bash", ["zsh"] = "bash", ["console"] = "bash", ["ps1"] = "powershell", ["pwsh"] = "powershell",
        ["c++"] = "cpp", ["cc"] = "cpp", ["h"] = "c", ["hpp"] = "cpp", ["golang"] = "go", ["rs"] = "rust", ["kt"] = "kotlin",
        ["yml"] = "yaml", ["html"] = "xml", ["xaml"] = "xml", ["svg"] = "xml", ["razor"] = "xml", ["jsonc"] = "json",
        ["postgres"] = "sql", ["postgresql"] = "sql", ["mysql"] = "sql", ["sqlite"] = "sql", ["dockerfile"] = "docker",
        ["md"] = "markdown", ["rb"] = "ruby", ["text"] = "", ["plaintext"] = "", ["txt"] = "",
    };

    private static readonly Language CLike = new(
        Words("if else for while do switch case default break continue return goto try catch finally throw new delete class struct enum interface union typedef namespace using public private protected internal static const readonly virtual override abstract sealed extern inline volatile void int long short char float double bool unsigned signed auto var let function async await yield import export from package this super base sizeof typeof template typename operator friend"),
        Words("true false null nullptr undefined NaN"), ["//"], [("/*", "*/")], ['"', '\'', '`']);

    private static readonly Dictionary<string, Language> Languages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["c"] = CLike,
        ["cpp"] = CLike,
        ["java"] = CLike with { Keywords = Words("abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for if implements import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws transient try var void volatile while record sealed permits yield") },
        ["javascript"] = CLike with { Keywords = Words("async await break case catch class const continue debugger default delete do else export extends finally for from function if import in instanceof let new of return static super switch this throw try typeof var void while with yield get set") },
        ["typescript"] = CLike with { Keywords = Words("abstract any as async await boolean break case catch class const constructor continue declare default delete do else enum export extends finally for from function if implements import in infer instanceof interface is keyof let module namespace never new number object of private protected public readonly return static string super switch symbol this throw try type typeof unknown var void while yield") },
        ["csharp"] = CLike with { Keywords = Words("abstract as async await base bool break byte case catch char checked class const continue decimal default delegate do double else enum event explicit extern finally fixed float for foreach goto if implicit in init int interface internal is lock long namespace new object operator out override params private protected public readonly record ref required return sbyte sealed short sizeof stackalloc static string struct switch this throw try typeof uint ulong unchecked unsafe ushort using var virtual void volatile when where while with yield get set value") },
        ["go"] = CLike with { Keywords = Words("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var int int64 int32 uint string bool byte rune float64 float32 error any"), Literals = Words("true false nil iota") },
        ["rust"] = CLike with { Keywords = Words("as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait type unsafe use where while i8 i16 i32 i64 u8 u16 u32 u64 usize isize f32 f64 bool str String Vec Option Result Some None Ok Err"), Literals = Words("true false") },
        ["kotlin"] = CLike with { Keywords = Words("as break class continue do else for fun if in interface is object package return super this throw try typealias val var when while by constructor data enum import init open override private protected public sealed suspend") },
        ["swift"] = CLike with { Keywords = Words("class deinit enum extension func import init let protocol struct subscript typealias var break case continue default defer do else fallthrough for guard if in repeat return switch where while as catch is rethrows throw throws try async await self Self"), Literals = Words("true false nil") },
        ["php"] = CLike with { LineComments = ["//", "#"], Keywords = Words("abstract and array as break case catch class clone const continue declare default do echo else elseif empty extends final finally fn for foreach function global if implements include instanceof interface isset list match namespace new or print private protected public require return static switch throw trait try unset use var while yield") },
        ["python"] = new(
            Words("and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case self print len range int str float list dict set tuple"),
            Words("True False None"), ["#"], [], ['"', '\'']),
        ["ruby"] = new(Words("alias and begin break case class def defined do else elsif end ensure for if in module next not or redo rescue retry return self super then undef unless until when while yield require puts"),
            Words("true false nil"), ["#"], [], ['"', '\'']),
        ["bash"] = new(Words("if then else elif fi for while until do done case esac function in return exit export local readonly echo cd set unset source sudo apt apt-get dotnet docker kubectl git curl ollama"),
            Words("true false"), ["#"], [], ['"', '\'']),
        ["powershell"] = new(Words("begin break catch continue do else elseif end exit filter finally for foreach function if in param process return switch throw trap try until while"),
            Words("$true $false $null"), ["#"], [("<#", "#>")], ['"', '\''], CaseInsensitive: true),
        ["sql"] = new(Words("select from where and or not insert into values update set delete create table index view drop alter add column primary key foreign references join left right inner outer full on group by order having limit offset as distinct union all case when then else end in is like between exists returning with asc desc default constraint unique count sum avg min max integer int text varchar boolean timestamp"),
            Words("true false null"), ["--"], [("/*", "*/")], ['\''], CaseInsensitive: true),
        ["json"] = new([], Words("true false null"), [], [], ['"']),
        ["yaml"] = new([], Words("true false null yes no on off"), ["#"], [], ['"', '\'']),
        ["toml"] = new([], Words("true false"), ["#"], [], ['"', '\'']),
        ["docker"] = new(Words("FROM RUN CMD LABEL EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD STOPSIGNAL HEALTHCHECK SHELL AS"),
            [], ["#"], [], ['"', '\''], CaseInsensitive: true),
        ["css"] = new(Words("important media import from to keyframes supports"), [], [], [("/*", "*/")], ['"', '\'']),
        ["xml"] = new([], [], [], [("<!--", "-->")], ['"', '\''], Markup: true),
    };

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
        language = Aliases.TryGetValue(language, out var canonical) ? canonical : language;
        if (!Languages.TryGetValue(language, out var lang))
        {
            return Encode(code);
        }

        var sb = new StringBuilder(code.Length * 2);
        if (lang.Markup)
        {
            HighlightMarkup(code, lang, sb);
            return sb.ToString();
        }

        var i = 0;
        while (i < code.Length)
        {
            var c = code[i];
            if (StartsWithAny(code, i, lang.LineComments) is { } lineComment)
            {
                var end = code.IndexOf('\n', i + lineComment.Length);
                end = end < 0 ? code.Length : end;
                Span(sb, "tok-com", code[i..end]);
                i = end;
            }
            else if (lang.BlockComments.FirstOrDefault(b => string.CompareOrdinal(code, i, b.Open, 0, b.Open.Length) == 0) is { Open: not null } block)
            {
                var end = code.IndexOf(block.Close, i + block.Open.Length, StringComparison.Ordinal);
                end = end < 0 ? code.Length : end + block.Close.Length;
                Span(sb, "tok-com", code[i..end]);
                i = end;
            }
            else if (Array.IndexOf(lang.Quotes, c) >= 0)
            {
                var end = StringEnd(code, i, language == "python" && string.CompareOrdinal(code, i, new string(c, 3), 0, 3) == 0 ? new string(c, 3) : c.ToString());
                Span(sb, "tok-str", code[i..end]);
                i = end;
            }
            else if (char.IsAsciiDigit(c) && (i == 0 || !IsWordChar(code[i - 1])))
            {
                var end = i + 1;
                while (end < code.Length && (char.IsAsciiLetterOrDigit(code[end]) || code[end] is '.' or '_'))
                {
                    end++;
                }

                Span(sb, "tok-num", code[i..end]);
                i = end;
            }
            else if (IsWordStart(c))
            {
                var end = i + 1;
                while (end < code.Length && IsWordChar(code[end]))
                {
                    end++;
                }

                var word = code[i..end];
                var key = lang.CaseInsensitive ? word.ToLowerInvariant() : word;
                if (Contains(lang.Keywords, key, lang.CaseInsensitive))
                {
                    Span(sb, "tok-kw", word);
                }
                else if (Contains(lang.Literals, key, lang.CaseInsensitive))
                {
                    Span(sb, "tok-lit", word);
                }
                else if (end < code.Length && code[end] == '(')
                {
                    Span(sb, "tok-fn", word);
                }
                else
                {
                    sb.Append(Encode(word));
                }

                i = end;
            }
            else
            {
                sb.Append(Encode(c.ToString()));
                i++;
            }
        }

        return sb.ToString();
    }

    private static void HighlightMarkup(string code, Language lang, StringBuilder sb)
    {
        var i = 0;
        while (i < code.Length)
        {
            if (string.CompareOrdinal(code, i, "<!--", 0, 4) == 0)
            {
                var end = code.IndexOf("-->", i + 4, StringComparison.Ordinal);
                end = end < 0 ? code.Length : end + 3;
                Span(sb, "tok-com", code[i..end]);
                i = end;
            }
            else if (code[i] == '<')
            {
                var end = i + 1;
                while (end < code.Length && (code[end] is '/' or '!' or '?' || IsWordChar(code[end]) || code[end] is '-' or ':'))
                {
                    end++;
                }

                Span(sb, "tok-kw", code[i..end]);
                i = end;
                // attributes until '>'
                while (i < code.Length && code[i] != '>' && code[i] != '<')
                {
                    if (Array.IndexOf(lang.Quotes, code[i]) >= 0)
                    {
                        var close = StringEnd(code, i, code[i].ToString());
                        Span(sb, "tok-str", code[i..close]);
                        i = close;
                    }
                    else if (IsWordStart(code[i]))
                    {
                        var w = i + 1;
                        while (w < code.Length && (IsWordChar(code[w]) || code[w] is '-' or ':'))
                        {
                            w++;
                        }

                        Span(sb, "tok-attr", code[i..w]);
                        i = w;
                    }
                    else
                    {
                        sb.Append(Encode(code[i].ToString()));
                        i++;
                    }
                }

                if (i < code.Length && code[i] == '>')
                {
                    Span(sb, "tok-kw", ">");
                    i++;
                }
            }
            else
            {
                var next = code.IndexOf('<', i);
                next = next < 0 ? code.Length : next;
                sb.Append(Encode(code[i..next]));
                i = next;
            }
        }
    }

    private static int StringEnd(string code, int start, string quote)
    {
        var i = start + quote.Length;
        while (i < code.Length)
        {
            if (code[i] == '\\' && quote.Length == 1)
            {
                i += 2;
                continue;
            }

            if (string.CompareOrdinal(code, i, quote, 0, quote.Length) == 0)
            {
                return i + quote.Length;
            }

            if (code[i] == '\n' && quote.Length == 1 && quote != "`")
            {
                return i; // unterminated single-line string: stop at the line end
            }

            i++;
        }

        return code.Length;
    }

    private static string? StartsWithAny(string code, int i, string[] prefixes)
    {
        foreach (var p in prefixes)
        {
            if (string.CompareOrdinal(code, i, p, 0, p.Length) == 0)
            {
                return p;
            }
        }

        return null;
    }

    private static bool Contains(HashSet<string> set, string word, bool caseInsensitive) =>
        set.Contains(word) || (caseInsensitive && set.Contains(word.ToUpperInvariant()));

    private static bool IsWordStart(char c) => char.IsLetter(c) || c is '_' or '$' or '@';

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    private static void Span(StringBuilder sb, string cls, string text) =>
        sb.Append("<span class=\"").Append(cls).Append("\">").Append(Encode(text)).Append("</span>");

    /// <summary>Escapes what matters inside an element (&amp;, &lt;, &gt;); quotes need no escaping in text.</summary>
    private static string Encode(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static HashSet<string> Words(string words) => new(words.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
}
