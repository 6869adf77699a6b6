namespace MikuCloud.HouseModels;

/// <summary>A Modelfile that cannot be used, with the file and line that say why.</summary>
public sealed class ModelfileException : Exception
{
    /// <summary>Creates the error; the message reads <c>file:line: reason</c>.</summary>
    public ModelfileException(string source, int line, string reason)
        : base(line > 0 ? $"{source}:{line}: {reason}" : $"{source}: {reason}")
    {
        Source = source;
        Line = line;
        Reason = reason;
    }

    /// <summary>The file (or name) the Modelfile came from.</summary>
    public new string Source { get; }

    /// <summary>1-based line of the problem, or 0 when it concerns the whole file.</summary>
    public int Line { get; }

    /// <summary>The problem, without the location.</summary>
    public string Reason { get; }
}
