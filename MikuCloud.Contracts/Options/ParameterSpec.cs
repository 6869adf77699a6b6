namespace MikuCloud.Contracts;

/// <summary>One Ollama option: its name, type and the range MikuCloud accepts.</summary>
/// <param name="Name">Ollama's option name, as in <c>PARAMETER name value</c> and the request's <c>options</c>.</param>
/// <param name="Kind">Value type.</param>
/// <param name="Min">Smallest accepted value (numbers only).</param>
/// <param name="Max">Largest accepted value (numbers only).</param>
/// <param name="UserTunable">Whether API clients may override it per conversation or message.</param>
public sealed record ParameterSpec(string Name, ParameterKind Kind, double Min = double.MinValue, double Max = double.MaxValue, bool UserTunable = true);
