namespace MikuCloud.Contracts;

/// <summary>The kind of value an Ollama option takes.</summary>
public enum ParameterKind
{
    /// <summary>A floating-point number.</summary>
    Float,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
    /// <summary>A string; may be given several times (<c>stop</c>).</summary>
    StringList,
}
