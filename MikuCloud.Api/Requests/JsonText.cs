using System.Text.Json;
using System.Text.Json.Nodes;

namespace MikuCloud.Api.Requests;

/// <summary>
/// Finds text in a parsed body that is not valid Unicode: bytes that are not UTF-8 (System.Text.Json parses them and
/// only fails when the string is read) and escaped unpaired surrogates (<c>"\ud800"</c>, which it reads into a .NET
/// string that PostgreSQL then refuses to store). Checked where the body is read, so it is a 400 and not a 500 later.
/// </summary>
public static class JsonText
{
    /// <summary>The field (e.g. <c>options.stop[0]</c>) of the first invalid string or property name, or null when all text is valid.</summary>
    public static string? FindInvalid(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return TryGetString(element, out var value) && IsValid(value) ? null : Root(path);
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return Name(path);
                    }

                    if (!IsValid(name))
                    {
                        return Name(path);
                    }

                    if (FindInvalid(property.Value, Join(path, Echo.Cap(name))) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInvalid(item, $"{path}[{i++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The same for a <see cref="JsonNode"/> (already decoded, so only unpaired surrogates remain to find).</summary>
    public static string? FindInvalid(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (!IsValid(name))
                    {
                        return Name(path);
                    }

                    if (FindInvalid(child, Join(path, Echo.Cap(name))) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (FindInvalid(array[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return IsValid(value.GetValue<string>()) ? null : Root(path);
            default:
                return null;
        }
    }

    /// <summary>Whether every surrogate in <paramref name="text"/> is half of a pair.</summary>
    public static bool IsValid(string? text)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryGetString(JsonElement element, out string value)
    {
        try
        {
            value = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = "";
            return false;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Root(string path) => path.Length == 0 ? "body" : path;

    private static string Name(string path) => path.Length == 0 ? "a property name" : $"a property name in {path}";
}
