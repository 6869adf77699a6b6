using System.Text.Json;
using System.Text.RegularExpressions;

namespace MikuCloud.Api.Requests;

/// <summary>
/// What is wrong with a JSON body, in the contract's words: the field as the client spells it (<c>images[0].data</c>)
/// and the JSON type it needs — never the .NET types System.Text.Json names in its messages.
/// </summary>
public static partial class JsonErrors
{
    /// <summary>A 400 <c>malformed_json</c> for a body System.Text.Json refused.</summary>
    public static ApiProblem Malformed(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var field = Field(exception.Path);
        string message;
        if (TypeInMessage().IsMatch(exception.Message))
        {
            // A value of the wrong type (the serializer's message names the .NET type it wanted).
            var wanted = JsonTypeOf(ConvertedTo().Match(exception.Message) is { Success: true } m ? m.Groups[1].Value : "");
            message = field is null ? $"The body must be {wanted}." : $"{field} must be {wanted}.";
        }
        else
        {
            // A syntax error: the reader's first sentence says what, the position says where.
            var what = exception.Message;
            var cut = what.IndexOf(" Path:", StringComparison.Ordinal) is var p and >= 0 ? p : what.IndexOf(" LineNumber:", StringComparison.Ordinal);
            what = Echo.Cap(cut >= 0 ? what[..cut] : what, 200);
            var where = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : "";
            message = $"The body is not valid JSON{where}: {what}";
        }

        return new ApiProblem(400, ProblemCodes.MalformedJson, message, new Dictionary<string, string[]> { [field ?? "body"] = [message] });
    }

    /// <summary>Whether an exception is System.Text.Json (or a decoder) meeting text that is not valid UTF-8/UTF-16.</summary>
    public static bool IsInvalidText(Exception exception) => exception switch
    {
        System.Text.DecoderFallbackException or System.Text.EncoderFallbackException => true,
        InvalidOperationException { InnerException: System.Text.DecoderFallbackException or System.Text.EncoderFallbackException } => true,
        // "Cannot transcode invalid UTF-8 …", "Cannot read invalid UTF-16 …", "Cannot read incomplete UTF-16 … missing low surrogate".
        InvalidOperationException e => e.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true
                                       && (e.Message.Contains("UTF-8", StringComparison.Ordinal) || e.Message.Contains("UTF-16", StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>A 400 <c>invalid_text</c>: a string (or a property name) that is not valid Unicode.</summary>
    public static ApiProblem InvalidText(string? field)
    {
        var where = field is null ? "The body" : Echo.Cap(field, 80);
        var message = $"{where} contains text that is not valid Unicode (invalid UTF-8 or an unpaired surrogate such as \\ud800).";
        return new ApiProblem(400, ProblemCodes.InvalidText, message, new Dictionary<string, string[]> { [field is null ? "body" : Echo.Cap(field, 80)] = [message] });
    }

    /// <summary><c>$.images[0].data</c> → <c>images[0].data</c>; the root → null.</summary>
    internal static string? Field(string? path)
    {
        if (path is null or "$" || !path.StartsWith('$'))
        {
            return null;
        }

        var field = path[1..].TrimStart('.');
        return field.Length == 0 ? null : Echo.Cap(field, 80);
    }

    private static string JsonTypeOf(string dotnetType) => dotnetType switch
    {
        _ when dotnetType.Contains("System.String", StringComparison.Ordinal) => "a string",
        _ when dotnetType.Contains("System.Boolean", StringComparison.Ordinal) => "true or false",
        _ when NumberType().IsMatch(dotnetType) => "a number",
        _ when dotnetType.Contains("List`", StringComparison.Ordinal) || dotnetType.EndsWith("[]", StringComparison.Ordinal)
                                                                        || dotnetType.Contains("Enumerable", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };

    [GeneratedRegex(@"System\.|MikuCloud\.|could not be converted")]
    private static partial Regex TypeInMessage();

    [GeneratedRegex(@"converted to (\S+?)\.? Path:")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"System\.(U?Int(16|32|64)|Double|Single|Decimal|Byte)")]
    private static partial Regex NumberType();
}
