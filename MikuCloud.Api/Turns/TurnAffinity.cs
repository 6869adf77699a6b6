using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace MikuCloud.Api.Turns;

/// <summary>
/// A turn's affinity key: what makes its next turn go back to the Ollama replica that holds its prompt prefix in KV cache.
/// </summary>
/// <remarks>
/// A stored conversation is its id (every branch, regenerate and continue shares the conversation's opening). A sent
/// history (<c>/v1</c>, MCP) has no id, but a client sends the same opening again with each turn: the key is the owner
/// and a hash of the messages up to the first question, text and image bytes. The owner is in it so that two users'
/// identical openings never share a replica's cache (whose speed would tell one about the other's prompts).
/// </remarks>
public static class TurnAffinity
{
    /// <summary>The key of a stored conversation's turns.</summary>
    public static string OfConversation(Guid conversationId) => "c:" + conversationId.ToString("N");

    /// <summary>The key of a sent history: its owner and opening (system messages and the first question).</summary>
    public static string OfTranscript(string ownerId, IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, ownerId);
        foreach (var message in messages)
        {
            Append(hash, message.Role.Value);
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent text:
                        Append(hash, text.Text);
                        break;
                    case DataContent data:
                        hash.AppendData(data.Data.Span);
                        break;
                }
            }

            if (message.Role == ChatRole.User)
            {
                break; // the opening ends with the first question
            }
        }

        return "t:" + Convert.ToHexString(hash.GetHashAndReset(), 0, 16);
    }

    /// <summary>A string with its length first, so that ("ab", "c") and ("a", "bc") differ.</summary>
    private static void Append(IncrementalHash hash, string value)
    {
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, value.Length);
        hash.AppendData(length);
        hash.AppendData(Encoding.UTF8.GetBytes(value));
    }
}
