using System.Text;
using System.Text.RegularExpressions;
using MikuCloud.Contracts;

namespace MikuCloud.HouseModels;

/// <summary>
/// Ollama's Modelfile grammar: one instruction per line (case-insensitive keyword, then arguments),
/// <c>#</c> comments, values either bare (to the end of the line), <c>"quoted"</c> (with <c>\"</c> and <c>\\</c>),
/// or <c>"""triple-quoted"""</c> spanning lines.
/// </summary>
internal static partial class ModelfileParser
{
    private static readonly string[] Roles = ["system", "user", "assistant"];

    [GeneratedRegex(@"^#\s*([a-z][a-z0-9._-]*)\s*:\s*(.*?)\s*$")]
    private static partial Regex MetadataLine();

    public static Modelfile Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);

        string? from = null, system = null, template = null, adapter = null, requires = null;
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal);
        var messages = new List<ModelfileMessage>();
        var licenses = new List<string>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);

        var reader = new Reader(text.Replace("\r\n", "\n", StringComparison.Ordinal), source);
        while (reader.NextInstruction(out var line, out var keyword, out var rest))
        {
            if (keyword.StartsWith('#'))
            {
                var m = MetadataLine().Match(rest);
                if (m.Success)
                {
                    metadata[m.Groups[1].Value] = m.Groups[2].Value;
                }

                continue;
            }

            switch (keyword.ToUpperInvariant())
            {
                case "FROM":
                    if (from is not null)
                    {
                        throw new ModelfileException(source, line, "FROM is given twice");
                    }

                    from = RequireValue(reader.ReadValue(rest, line), source, line, "FROM needs a model name");
                    break;
                case "PARAMETER":
                    ReadParameter(reader, rest, line, source, parameters);
                    break;
                case "SYSTEM":
                    system = Single(system, reader.ReadValue(rest, line), source, line, "SYSTEM");
                    break;
                case "TEMPLATE":
                    template = Single(template, reader.ReadValue(rest, line), source, line, "TEMPLATE");
                    break;
                case "ADAPTER":
                    adapter = Single(adapter, RequireValue(reader.ReadValue(rest, line), source, line, "ADAPTER needs a path"), source, line, "ADAPTER");
                    break;
                case "LICENSE":
                    licenses.Add(reader.ReadValue(rest, line));
                    break;
                case "REQUIRES":
                    requires = RequireValue(reader.ReadValue(rest, line), source, line, "REQUIRES needs a version");
                    break;
                case "MESSAGE":
                    var (role, content) = SplitFirst(rest);
                    if (!Roles.Contains(role.ToLowerInvariant()))
                    {
                        throw new ModelfileException(source, line, $"MESSAGE role must be system, user or assistant, not '{role}'");
                    }

                    messages.Add(new ModelfileMessage(role.ToLowerInvariant(), reader.ReadValue(content, line)));
                    break;
                default:
                    throw new ModelfileException(source, line, $"unknown instruction '{keyword}' (expected FROM, PARAMETER, SYSTEM, TEMPLATE, MESSAGE, ADAPTER, LICENSE or REQUIRES)");
            }
        }

        if (from is null)
        {
            throw new ModelfileException(source, 0, "no FROM instruction: every Modelfile must name its base model");
        }

        return new Modelfile(source, from, parameters, system, template, adapter, messages, licenses, requires, metadata);
    }

    private static void ReadParameter(Reader reader, string rest, int line, string source, Dictionary<string, object> parameters)
    {
        var (name, valueText) = SplitFirst(rest);
        if (name.Length == 0)
        {
            throw new ModelfileException(source, line, "PARAMETER needs a name and a value");
        }

        // Ollama treats option names case-insensitively in Modelfiles but only lower-case in JSON.
        name = name.ToLowerInvariant();
        if (!OllamaParameters.TryGet(name, out var spec))
        {
            throw new ModelfileException(source, line, $"unknown PARAMETER '{name}'");
        }

        var value = reader.ReadValue(valueText, line);
        if (value.Length == 0)
        {
            throw new ModelfileException(source, line, $"PARAMETER {name} needs a value");
        }

        var parsed = OllamaParameters.Parse(spec, value, out var error)
                     ?? throw new ModelfileException(source, line, error!);
        if (spec.Kind == ParameterKind.StringList)
        {
            if (!parameters.TryGetValue(name, out var list))
            {
                parameters[name] = list = new List<string>();
            }

            ((List<string>)list).Add((string)parsed);
        }
        else
        {
            parameters[name] = parsed;
        }
    }

    private static string Single(string? existing, string value, string source, int line, string keyword) =>
        existing is null ? value : throw new ModelfileException(source, line, $"{keyword} is given twice");

    private static string RequireValue(string value, string source, int line, string message) =>
        value.Length > 0 ? value : throw new ModelfileException(source, line, message);

    private static (string Head, string Tail) SplitFirst(string text)
    {
        text = text.TrimStart();
        var i = 0;
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return (text[..i], text[i..].TrimStart());
    }

    /// <summary>Walks the text line by line; triple-quoted values may consume following lines.</summary>
    private sealed class Reader(string text, string source)
    {
        private readonly string[] lines = text.Split('\n');
        private int next;

        public bool NextInstruction(out int line, out string keyword, out string rest)
        {
            while (next < lines.Length)
            {
                var current = lines[next].Trim();
                line = ++next;
                if (current.Length == 0)
                {
                    continue;
                }

                if (current.StartsWith('#'))
                {
                    keyword = "#";
                    rest = current;
                    return true;
                }

                var (head, tail) = SplitFirst(current);
                keyword = head;
                rest = tail;
                return true;
            }

            line = 0;
            keyword = rest = string.Empty;
            return false;
        }

        /// <summary>Reads a value that starts at <paramref name="start"/>, taking more lines for <c>"""</c>.</summary>
        public string ReadValue(string start, int line)
        {
            if (start.StartsWith("\"\"\"", StringComparison.Ordinal))
            {
                var body = new StringBuilder(start[3..]);
                var end = body.ToString().IndexOf("\"\"\"", StringComparison.Ordinal);
                while (end < 0)
                {
                    if (next >= lines.Length)
                    {
                        throw new ModelfileException(source, line, "unterminated \"\"\" block");
                    }

                    body.Append('\n').Append(lines[next++]);
                    end = body.ToString().IndexOf("\"\"\"", StringComparison.Ordinal);
                }

                var all = body.ToString();
                if (all[(end + 3)..].Trim().Length > 0)
                {
                    throw new ModelfileException(source, line, "unexpected text after closing \"\"\"");
                }

                return all[..end];
            }

            if (start.StartsWith('"'))
            {
                return ReadQuoted(start, line);
            }

            return start.Trim();
        }

        private string ReadQuoted(string start, int line)
        {
            var sb = new StringBuilder();
            for (var i = 1; i < start.Length; i++)
            {
                var c = start[i];
                if (c == '\\' && i + 1 < start.Length && start[i + 1] is '"' or '\\')
                {
                    sb.Append(start[++i]);
                }
                else if (c == '"')
                {
                    if (start[(i + 1)..].Trim().Length > 0)
                    {
                        throw new ModelfileException(source, line, "unexpected text after closing quote");
                    }

                    return sb.ToString();
                }
                else
                {
                    sb.Append(c);
                }
            }

            throw new ModelfileException(source, line, "unterminated quoted value");
        }
    }
}
