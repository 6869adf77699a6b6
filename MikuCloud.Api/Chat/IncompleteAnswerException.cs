using OllamaSharp.Models.Exceptions;

namespace MikuCloud.Api.Chat;

/// <summary>Ollama's stream ended without its final <c>done</c> line and without saying why.</summary>
public sealed class IncompleteAnswerException : OllamaException
{
    public IncompleteAnswerException()
        : base("Ollama ended the answer without finishing it.")
    {
    }

    public IncompleteAnswerException(string message)
        : base(message)
    {
    }

    public IncompleteAnswerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
